// `npm start`: compiles the workspace (incremental), then runs the launcher in this same process, so the signals npm
// forwards (Ctrl-C, SIGTERM) reach the launcher directly and it can stop everything it started.
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  process.stderr.write('[tradewarden] the TypeScript build failed; nothing was started\n');
  process.exit(build.status ?? 1);
}
require('./register-paths');
require(path.join(root, 'dist', 'tools', 'launcher', 'src', 'main.js'));
