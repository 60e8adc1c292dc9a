import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError, ExitCode } from './exit-codes';
import { defaultReportPath, writeLinesToFile, writeReportFile } from './refusal-report';
import { refusedReportRow } from '@tradewarden/operation-csv';

describe('report files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tw-report-'));

  it('puts the report beside the input', () => {
    expect(defaultReportPath('/data/deposits.csv')).toBe('/data/deposits.report.csv');
  });

  it('writes every line, however many, and counts them', async () => {
    const path = join(dir, 'many.csv');
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i},row ${i}\r\n`);
    expect(await writeLinesToFile(path, lines)).toBe(20_000);
    expect(readFileSync(path, 'utf8')).toBe(lines.join(''));
    await writeReportFile(path, [refusedReportRow(3, 'mt5-demo-1', 'NOT_A_DECIMAL', 'row 3: "seven" is not a decimal number')]);
    expect(readFileSync(path, 'utf8')).toBe('row,item_id,server_id,status,error_code,error_message,mt_reference\r\n3,,mt5-demo-1,skipped,NOT_A_DECIMAL,"row 3: ""seven"" is not a decimal number",\r\n');
  });

  it('refuses a path it cannot write with exit 1, naming it, before reading anything (no crash on an unhandled stream error)', async () => {
    let read = false;
    const source = (async function* () {
      read = true;
      yield 'row\r\n';
    })();
    const path = join(dir, 'no-such-folder', 'report.csv');
    const refusal = await writeLinesToFile(path, source).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(CliError);
    expect((refusal as CliError).exitCode).toBe(ExitCode.Failed);
    expect((refusal as CliError).message).toBe(`cannot write ${path}: ENOENT: no such file or directory, open '${path}'`);
    expect(read).toBe(false);
  });

  it('fails with the source’s own error when the source fails', async () => {
    const broken = (async function* () {
      yield 'row\r\n';
      throw Object.assign(new Error('14 UNAVAILABLE: connection reset'), { code: 14 });
    })();
    await expect(writeLinesToFile(join(dir, 'partial.csv'), broken)).rejects.toMatchObject({ code: 14 });
  });
});
