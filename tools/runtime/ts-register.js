// Runs the TypeScript sources directly (no build): compiles each .ts file on load with TypeScript's transpileModule
// and resolves @tradewarden/* to libs/*/src. Used by tests that need a service as a real process they can kill.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');
const tsConfigPaths = require('tsconfig-paths');

const root = path.resolve(__dirname, '..', '..');
const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  esModuleInterop: true,
  inlineSourceMap: true,
};

require.extensions['.ts'] = (module, filename) => {
  const source = fs.readFileSync(filename, 'utf8');
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};

tsConfigPaths.register({ baseUrl: root, paths: { '@tradewarden/*': ['libs/*/src/index'] } });
