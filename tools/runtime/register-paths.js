// Resolves @tradewarden/* imports in the compiled tree (dist/) the way tsconfig.base.json does in the sources.
// Loaded with `node -r ./tools/runtime/register-paths.js dist/...` or required first by compiled entry points.
const path = require('node:path');
const tsConfigPaths = require('tsconfig-paths');

tsConfigPaths.register({
  baseUrl: path.resolve(__dirname, '..', '..', 'dist'),
  paths: { '@tradewarden/*': ['libs/*/src/index'] },
});
