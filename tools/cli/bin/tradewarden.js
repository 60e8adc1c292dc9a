#!/usr/bin/env node
// Entry of `npx tradewarden`: runs the compiled CLI, building the workspace first when it has not been built yet.
const { existsSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..', '..');
const entry = path.join(root, 'dist', 'tools', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write('tradewarden: building the workspace first (npm run build) ...\n');
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
require(path.join(root, 'tools', 'runtime', 'register-paths.js'));
require(entry);
