#!/usr/bin/env node
// Fails when libs/proto/src/generated is not what `nx run proto:generate` makes from proto/ today: generates into a
// temporary folder with the same options and compares file by file. Run by `npm test` (and so by CI).
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..', '..');
const protoDir = path.join(root, 'proto');
const committed = path.join(root, 'libs', 'proto', 'src', 'generated');
const scratch = mkdtempSync(path.join(tmpdir(), 'tradewarden-proto-'));

function listFiles(dir, base = dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

// protobufjs (NestJS's loader) and ts-proto disagree on the camelCase of a field with a digit after an underscore
// ("swap_3day": swap_3day vs swap3day), which silently zeroes the field on the wire.
function fieldsWithDigitAfterUnderscore(dir) {
  return listFiles(dir)
    .filter((file) => file.endsWith('.proto'))
    .flatMap((file) =>
      readFileSync(path.join(dir, file), 'utf8')
        .split('\n')
        .map((line, index) => ({ line, index }))
        .filter(({ line }) => /^\s*(repeated\s+|optional\s+)?[\w.]+\s+\w*_\d\w*\s*=\s*\d+/.test(line))
        .map(({ line, index }) => `${file}:${index + 1}: ${line.trim()}`),
    );
}

try {
  const badFields = fieldsWithDigitAfterUnderscore(protoDir);
  if (badFields.length > 0) {
    process.stderr.write(`proto field names must not have a digit right after an underscore:\n  ${badFields.join('\n  ')}\n`);
    process.exit(1);
  }
  const template = readFileSync(path.join(protoDir, 'buf.gen.yaml'), 'utf8')
    .replace(/local: \.\.\/node_modules\/\.bin\/protoc-gen-ts_proto/, `local: ${path.join(root, 'node_modules', '.bin', 'protoc-gen-ts_proto')}`)
    .replace(/out: \.\.\/libs\/proto\/src\/generated/, `out: ${scratch}`);
  if (!template.includes(scratch)) throw new Error('proto/buf.gen.yaml no longer has the expected out/plugin lines; update this check');
  const templatePath = path.join(scratch, '..', `${path.basename(scratch)}.buf.gen.yaml`);
  require('node:fs').writeFileSync(templatePath, template);
  const buf = path.join(root, 'node_modules', '.bin', 'buf');
  const result = spawnSync(buf, ['generate', '--template', templatePath], { cwd: protoDir, encoding: 'utf8' });
  rmSync(templatePath, { force: true });
  if (result.status !== 0) {
    process.stderr.write(`buf generate failed:\n${result.stdout}${result.stderr}`);
    process.exit(1);
  }
  const expected = listFiles(scratch).sort();
  const actual = listFiles(committed).sort();
  const problems = [];
  for (const file of expected) {
    if (!actual.includes(file)) problems.push(`missing: ${file}`);
    else if (readFileSync(path.join(scratch, file), 'utf8') !== readFileSync(path.join(committed, file), 'utf8')) problems.push(`stale: ${file}`);
  }
  for (const file of actual) if (!expected.includes(file)) problems.push(`not generated from proto/: ${file}`);
  if (problems.length > 0) {
    process.stderr.write(`libs/proto/src/generated is out of date with proto/ (run \`npx nx run proto:generate\` and commit):\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
  process.stdout.write(`generated proto code is up to date (${expected.length} files)\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
