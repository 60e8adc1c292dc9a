import { auditV1 } from '@tradewarden/proto';
import { auditExportFormatOf, exportFormatValue, lineEnd, parseAuditExportFormat, AUDIT_EXPORT_FORMATS } from './export-format';
import { checkpointLine, exportChunks, exportEpilogue, exportPreamble, recordLine } from './export-lines';
import { auditChain, checkpointKey, checkpointsOf, contentOf, exportHeader } from './testing/audit-chain.fixture';

const key = checkpointKey();
const records = auditChain(10);
const checkpoints = checkpointsOf(records, [2, 4, 8, 10], key);
const header = exportHeader({ keyId: key.keyId });

async function collect(chunks: AsyncIterable<{ text: string; records: number }>): Promise<{ text: string; records: number; chunks: number }> {
  const all = { text: '', records: 0, chunks: 0 };
  for await (const chunk of chunks) {
    all.text += chunk.text;
    all.records += chunk.records;
    all.chunks += 1;
  }
  return all;
}

const kindsOf = (text: string) => text.split('\n').slice(0, -1).map((line) => {
  const parsed = JSON.parse(line) as { kind: string; sequence?: string };
  return parsed.sequence ? `${parsed.kind} ${parsed.sequence}` : parsed.kind;
});

describe('JSON lines', () => {
  it('starts with a header line that states the export', () => {
    const [line, ...rest] = exportPreamble('jsonl', { ...header, complete: false, filters: { operation_id: 'op-1' } });
    expect(rest).toEqual([]);
    expect(line).toBe(
      `{"kind":"export","format":"tradewarden-audit-export","version":1,"exportedAt":"2026-11-28T09:00:00.000Z","complete":false,"fromSequence":"1","toSequence":"10","filters":{"operation_id":"op-1"},"keyId":"${key.keyId}"}`,
    );
  });

  it('writes a record as one line: its hashed content exactly as hashed, recordedAt, accounts and the hashes', () => {
    const record = records[3]!;
    const line = recordLine('jsonl', record);
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'kind', 'sequence', 'recordedAt', 'occurredAt', 'eventId', 'eventType', 'sourceTopic', 'actorSubject', 'actorUsername', 'actorRoles',
      'actorClient', 'operationId', 'serverId', 'accounts', 'traceId', 'details', 'previousHash', 'hash',
    ]);
    expect(parsed).toMatchObject({ kind: 'record', sequence: '4', occurredAt: contentOf(4).occurredAt, recordedAt: record.recordedAt!.toISOString(), details: contentOf(4).details, accounts: ['500004'], hash: record.hash });
  });

  it('writes a checkpoint line, and an end line with the counts', () => {
    expect(checkpointLine('jsonl', checkpoints[0]!)).toBe(JSON.stringify({ kind: 'checkpoint', ...checkpoints[0]! }));
    expect(exportEpilogue('jsonl', { records: 3, checkpoints: 1 })).toEqual(['{"kind":"end","records":3,"checkpoints":1}']);
  });

  it('refuses a record the service should never produce', () => {
    expect(() => recordLine('jsonl', { ...records[0]!, occurredAt: undefined })).toThrow('audit record 1 has no occurredAt');
    expect(() => recordLine('csv', { ...records[0]!, recordedAt: undefined })).toThrow('audit record 1 has no recordedAt');
    expect(() => recordLine('cef', { ...records[0]!, detailsJson: '{oops' })).toThrow('audit record 1 has details that are not JSON');
  });
});

describe('the other formats', () => {
  it('CSV: a column row first, no checkpoint lines, no end line', () => {
    expect(exportPreamble('csv', header)).toEqual([expect.stringMatching(/^sequence,recorded_at,/)]);
    expect(checkpointLine('csv', checkpoints[0]!)).toBeUndefined();
    expect(exportEpilogue('csv', { records: 1, checkpoints: 0 })).toEqual([]);
    expect(lineEnd('csv')).toBe('\r\n');
  });

  it('CEF and syslog: no preamble, one event per record and per checkpoint', () => {
    for (const format of ['cef', 'syslog-cef'] as const) {
      expect(exportPreamble(format, header)).toEqual([]);
      expect(recordLine(format, records[0]!, { hostname: 'h' })).toContain('CEF:0|Tradewarden|Tradewarden Audit|1|OperationSubmitted|');
      expect(checkpointLine(format, checkpoints[0]!, { hostname: 'h' })).toContain('|AuditCheckpoint|Audit checkpoint signed|1|');
      expect(exportEpilogue(format, { records: 1, checkpoints: 1 })).toEqual([]);
      expect(lineEnd(format)).toBe('\n');
    }
    expect(recordLine('syslog-cef', records[0]!, { hostname: 'h' })).toMatch(/^<86>1 \S+ h tradewarden-audit - OperationSubmitted - CEF:0\|/);
  });
});

describe('exportChunks', () => {
  it('puts each checkpoint right after its record, and ends with the counts', async () => {
    const { text, records: count } = await collect(exportChunks('jsonl', { header, records, checkpoints }));
    expect(count).toBe(10);
    expect(kindsOf(text)).toEqual([
      'export', 'record 1', 'record 2', 'checkpoint 2', 'record 3', 'record 4', 'checkpoint 4', 'record 5', 'record 6', 'record 7', 'record 8', 'checkpoint 8', 'record 9', 'record 10', 'checkpoint 10', 'end',
    ]);
    expect(text.endsWith('{"kind":"end","records":10,"checkpoints":4}\n')).toBe(true);
  });

  it('in a filtered export, puts a checkpoint whose record was left out where that record would be, and skips those outside the range', async () => {
    const selected = [1, 5, 6, 9].map((sequence) => records[sequence - 1]!);
    const source = { header: { ...header, complete: false, fromSequence: '3', toSequence: '9', filters: { actor: 'agent' } }, records: selected.slice(1), checkpoints };
    const { text } = await collect(exportChunks('jsonl', source));
    expect(kindsOf(text)).toEqual(['export', 'checkpoint 4', 'record 5', 'record 6', 'checkpoint 8', 'record 9', 'end']);
  });

  it('yields whole lines in chunks of about the size asked for, counting the records in each', async () => {
    const chunks: { text: string; records: number }[] = [];
    for await (const chunk of exportChunks('jsonl', { header, records, checkpoints }, { chunkChars: 1500 })) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(chunk.text.endsWith('\n')).toBe(true);
      expect(chunk.records).toBe(chunk.text.split('\n').filter((line) => line.startsWith('{"kind":"record"')).length);
    }
    expect(chunks.reduce((sum, chunk) => sum + chunk.records, 0)).toBe(10);
  });

  it('takes async sources, as pages from the database', async () => {
    async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
      for (const item of items) yield await Promise.resolve(item);
    }
    const { text } = await collect(exportChunks('jsonl', { header, records: slowly(records), checkpoints: slowly(checkpoints) }));
    expect(kindsOf(text)).toHaveLength(16);
  });

  it('writes CSV rows with CRLF and no checkpoints, and CEF events for checkpoints too', async () => {
    const csv = await collect(exportChunks('csv', { header, records, checkpoints }));
    expect(csv.text.split('\r\n')).toHaveLength(12);
    expect(csv.records).toBe(10);
    const cef = await collect(exportChunks('cef', { header, records, checkpoints }));
    expect(cef.text.split('\n').filter((line) => line.includes('|AuditCheckpoint|'))).toHaveLength(4);
    expect(cef.text.split('\n')).toHaveLength(15);
  });

  it('refuses records out of order or out of range, which would be a query bug', async () => {
    await expect(collect(exportChunks('jsonl', { header, records: [records[1]!, records[0]!], checkpoints: [] }))).rejects.toThrow('record 1 after record 2');
    await expect(collect(exportChunks('jsonl', { header: { ...header, toSequence: '5' }, records, checkpoints: [] }))).rejects.toThrow("record 6 is outside the export's range 1-5");
    await expect(collect(exportChunks('jsonl', { header, records, checkpoints: [checkpoints[1]!, checkpoints[0]!] }))).rejects.toThrow('checkpoint 2 after checkpoint 4');
  });
});

describe('format names', () => {
  it('maps the gRPC enum both ways and parses command-line names', () => {
    for (const format of AUDIT_EXPORT_FORMATS) {
      expect(auditExportFormatOf(exportFormatValue(format))).toBe(format);
      expect(parseAuditExportFormat(format)).toBe(format);
    }
    expect(auditExportFormatOf(auditV1.ExportFormat.EXPORT_FORMAT_UNSPECIFIED)).toBeUndefined();
    expect(auditExportFormatOf(auditV1.ExportFormat.UNRECOGNIZED)).toBeUndefined();
    expect(parseAuditExportFormat('json')).toBeUndefined();
  });
});
