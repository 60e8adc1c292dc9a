import { Readable } from 'node:stream';
import { parseOperationCsv } from './operation-csv-parser';

const ROWS = 100_000;

/** A generated deposit file, produced as it is read: it never exists in memory as a whole. */
function depositFile(rows: number, produced: { rows: number }): Readable {
  return Readable.from(
    (function* () {
      yield 'server_id,login,amount,currency,comment\n';
      for (let row = 1; row <= rows; row++) {
        produced.rows = row;
        yield `mt5-demo-1,${600000 + row},${(row % 997) + 1}.25,USD,"batch, row ${row}"\n`;
      }
    })(),
  );
}

describe('parseOperationCsv on a large stream', () => {
  it('yields rows while the input is still being read', async () => {
    const produced = { rows: 0 };
    let parsed = 0;
    let producedAtFirstRow = 0;
    for await (const row of parseOperationCsv(depositFile(ROWS, produced), 'balance.deposit')) {
      if (row.errors.length > 0) throw new Error(JSON.stringify(row.errors));
      parsed++;
      if (parsed === 1) producedAtFirstRow = produced.rows;
    }
    expect(parsed).toBe(ROWS);
    expect(producedAtFirstRow).toBeLessThan(ROWS / 10);
    // Memory figures belong in bench/ (npm run bench:batch prints them): a heap bound here would depend on when the
    // machine collects. Rows coming out while the input is still being produced is what shows the parser streams.
  }, 60_000);
});
