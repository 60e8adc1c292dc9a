import fc from 'fast-check';
import { operationV1 } from '@tradewarden/proto';
import { readCsvRecords } from './csv-record-reader';
import { csvLine } from './csv-writer';
import { parseOperationCsv, type ParsedCsvRow } from './operation-csv-parser';
import { writeOperationCsv } from './operation-csv-writer';

const LIMITS = { maxRecordBytes: 64 * 1024, maxInputBytes: 16 * 1024 * 1024 };

async function records(chunks: Iterable<Uint8Array | string>): Promise<string[][]> {
  const result: string[][] = [];
  for await (const record of readCsvRecords(chunks, LIMITS)) {
    expect(record.issues).toEqual([]);
    result.push(record.cells);
  }
  return result;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const result: T[] = [];
  for await (const value of iterable) result.push(value);
  return result;
}

/** Cuts bytes into chunks at arbitrary places: a record, a quote pair or a UTF-8 character may be split. */
function chunked(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Buffer[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

const cell = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\n', '\r', ';', '\\', 'é', '€', '😀', '0') , maxLength: 12 });
const nonEmptyRow = (width: number) => fc.array(cell, { minLength: width, maxLength: width }).filter((cells) => cells.join('') !== '' || width > 1);

describe('CSV properties', () => {
  it('reads back what csvLine writes, whatever the cells and wherever the chunks split', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((width) => fc.array(nonEmptyRow(width), { minLength: 1, maxLength: 8 })),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (rows, cuts) => {
          const bytes = Buffer.from(rows.map(csvLine).join(''), 'utf8');
          expect(await records(chunked(bytes, cuts))).toEqual(rows);
        },
      ),
    );
  });

  it('gives the same rows for LF, CRLF and CR line endings', async () => {
    const plainCell = fc.string({ unit: fc.constantFrom('a', '1', 'é', ' ', ';'), minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(plainCell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }), async (rows) => {
        const lines = rows.map((cells) => cells.join(','));
        const expected = await records([lines.join('\n')]);
        expect(await records([lines.join('\r\n') + '\r\n'])).toEqual(expected);
        expect(await records([lines.join('\r')])).toEqual(expected);
        expect(await records([lines.map((line, index) => line + ['\n', '\r\n', '\r'][index % 3]).join('')])).toEqual(expected);
      }),
    );
  });

  it('never throws on garbage: every problem is a row error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('balance.deposit', 'group.set_symbols', 'account.update_profile', 'no.such_type'),
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.string({ unit: fc.constantFrom('server_id', 'login', 'amount', 'currency', ',', '"', '\n', '\r', 'x', '5') }).map((text) => Buffer.from(text))), {
          maxLength: 8,
        }),
        async (type, chunks) => {
          const rows = await collect(parseOperationCsv(chunks, type, { maxRowBytes: 128, maxFileBytes: 4096, maxRows: 50 }));
          for (const row of rows) expect(row.spec !== undefined || row.errors.length > 0).toBe(true);
        },
      ),
    );
  });

  it('round-trips items: parse(write(specs)) gives the specs back', async () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'B', ' ', ',', '"', '\n', 'é', '😀', ';'), minLength: 1, maxLength: 10 });
    const profile = fc.record({
      serverId: text,
      login: fc.stringMatching(/^\d{1,8}$/),
      firstName: fc.option(text, { nil: undefined }),
      comment: fc.option(text, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(profile, { maxLength: 6, selector: (item) => JSON.stringify(item) }), async (profiles) => {
        const specs = profiles.map((profile) =>
          operationV1.OperationItemSpec.fromPartial({ serverId: profile.serverId, accountUpdateProfile: { login: profile.login, firstName: profile.firstName, comment: profile.comment } }),
        );
        const csv = (await collect(writeOperationCsv('account.update_profile', specs))).join('');
        const rows: ParsedCsvRow[] = await collect(parseOperationCsv([csv], 'account.update_profile'));
        expect(rows.flatMap((row) => row.errors)).toEqual([]);
        expect(rows.map((row) => row.spec)).toEqual(specs);
      }),
    );
  });
});
