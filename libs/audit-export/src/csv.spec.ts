import { recordHash, type AuditContent } from '@tradewarden/audit-chain';
import { CSV_COLUMNS, CSV_LIST_SEPARATOR, csvField, csvHeaderRow, csvRow, guardCsvValue, unguardCsvValue } from './csv';
import { recordFieldsOf } from './record-fields';
import { auditChain, auditRecordOf, contentOf } from './testing/audit-chain.fixture';

/** An RFC 4180 reader, as a spreadsheet or a compliance script would read the file. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 1;
    } else field += char;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

const NASTY = ['plain', 'a,b', 'say "hi"', 'line\nbreak', 'carriage\rreturn', 'crlf\r\nend', ' leading', 'trailing ', 'ünïcödé ✓ 🚀 日本', 'back\\slash', 'pipe|equals=', ''];

describe('CSV fields', () => {
  it.each(NASTY)('quotes under RFC 4180 and reads back the same: %j', (value) => {
    expect(parseCsv(`${csvField(value)},x\r\n`)).toEqual([[value, 'x']]);
  });

  it('quotes exactly when needed, doubling quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('ünïcödé')).toBe('ünïcödé');
  });

  it.each(['=HYPERLINK("http://evil.example","click")', '+1+1', '-2+3', '@SUM(A1:A9)', '\t=1', '\r=1', '\uff1d1+1', "'quoted"])('guards a value a spreadsheet would run as a formula, reversibly: %j', (value) => {
    const cell = parseCsv(`${csvField(value)}\r\n`)[0]![0]!;
    expect(cell.startsWith("'")).toBe(true);
    expect(unguardCsvValue(cell)).toBe(value);
  });

  it('leaves other values alone, so unguarding them is the identity', () => {
    for (const value of ['agent', '42', 'a=b', ' =1', '{"a":1}']) {
      expect(guardCsvValue(value)).toBe(value);
      expect(unguardCsvValue(guardCsvValue(value))).toBe(value);
    }
  });
});

describe('CSV rows', () => {
  it('has the documented columns', () => {
    expect(csvHeaderRow()).toBe(
      'sequence,recorded_at,occurred_at,event_id,event_type,source_topic,actor_subject,actor_username,actor_roles,actor_client,operation_id,server_id,accounts,trace_id,details_json,previous_hash,hash',
    );
  });

  it('writes a record as one row, lists joined by semicolons', () => {
    const [record] = auditChain(1);
    const [cells] = parseCsv(`${csvRow(recordFieldsOf(record!))}\r\n`);
    const row = Object.fromEntries(CSV_COLUMNS.map((column, index) => [column, cells![index]]));
    expect(row).toMatchObject({ sequence: '1', occurred_at: contentOf(1).occurredAt, actor_roles: 'ops-agent;viewer', accounts: '500001', details_json: record!.detailsJson, hash: record!.hash });
  });

  it('keeps the hashed values recomputable: unguard each cell, split the lists, parse details_json', () => {
    const content: AuditContent = contentOf(1, {
      actorUsername: '=cmd|"/c calc"!A1',
      serverId: '-mt5, "live"\nline two',
      operationId: "'op",
      details: { note: 'ünïcödé, "quoted"\r\n=1+1', amount: -5 },
    });
    const hash = recordHash('0'.repeat(64), content);
    const text = `${csvHeaderRow()}\r\n${csvRow(recordFieldsOf(auditRecordOf(content, '0'.repeat(64), hash)))}\r\n`;
    const [columns, cells] = parseCsv(text);
    const row = Object.fromEntries(columns!.map((column, index) => [column, unguardCsvValue(cells![index]!)])) as Record<(typeof CSV_COLUMNS)[number], string>;
    const recomputed: AuditContent = {
      sequence: row.sequence,
      occurredAt: row.occurred_at,
      eventId: row.event_id,
      eventType: row.event_type,
      sourceTopic: row.source_topic,
      actorSubject: row.actor_subject,
      actorUsername: row.actor_username,
      actorRoles: row.actor_roles === '' ? [] : row.actor_roles.split(CSV_LIST_SEPARATOR),
      actorClient: row.actor_client,
      operationId: row.operation_id,
      serverId: row.server_id,
      traceId: row.trace_id,
      details: JSON.parse(row.details_json),
    };
    expect(recordHash(row.previous_hash, recomputed)).toBe(row.hash);
    expect(cells![CSV_COLUMNS.indexOf('actor_username')]).toBe('\'=cmd|"/c calc"!A1');
  });
});
