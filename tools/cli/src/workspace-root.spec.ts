import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cliWorkspaceRoot } from './workspace-root';

describe('cliWorkspaceRoot', () => {
  it('finds the workspace of the running CLI, from src/ or from a compiled tree', () => {
    expect(cliWorkspaceRoot()).toBe(resolve(__dirname, '..', '..', '..'));
    const workspace = mkdtempSync(join(tmpdir(), 'tw-root-'));
    writeFileSync(join(workspace, 'nx.json'), '{}');
    writeFileSync(join(workspace, 'package.json'), '{}');
    const compiled = join(workspace, 'dist', 'tools', 'cli', 'src');
    mkdirSync(compiled, { recursive: true });
    expect(cliWorkspaceRoot(compiled)).toBe(workspace);
  });

  it('answers undefined outside a workspace (a folder with nx.json but no package.json does not count)', () => {
    const outside = mkdtempSync(join(tmpdir(), 'tw-outside-'));
    writeFileSync(join(outside, 'nx.json'), '{}');
    expect(cliWorkspaceRoot(join(outside))).toBeUndefined();
  });
});
