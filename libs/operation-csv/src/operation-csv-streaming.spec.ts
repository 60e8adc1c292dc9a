import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
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

/**
 * Retained heap, not heap with garbage: without a collection first, the figure depends on when V8 happened to collect
 * (and a loaded CI machine collects late). Jest runs without --expose-gc, so the flag is set for a fresh context.
 */
function retainedHeap(): number {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

describe('parseOperationCsv on a large stream', () => {
  it('yields rows while the input is still being read, in bounded memory', async () => {
    const produced = { rows: 0 };
    const heapBefore = retainedHeap();
    let parsed = 0;
    let producedAtFirstRow = 0;
    let peakHeap = heapBefore;
    for await (const row of parseOperationCsv(depositFile(ROWS, produced), 'balance.deposit')) {
      if (row.errors.length > 0) throw new Error(JSON.stringify(row.errors));
      parsed++;
      if (parsed === 1) producedAtFirstRow = produced.rows;
      if (parsed % 20_000 === 0) peakHeap = Math.max(peakHeap, retainedHeap());
    }
    expect(parsed).toBe(ROWS);
    expect(producedAtFirstRow).toBeLessThan(ROWS / 10);
    // The only per-row state kept is a duplicate fingerprint (~100 bytes a row).
    expect(peakHeap - heapBefore).toBeLessThan(50 * 1024 * 1024);
  }, 60_000);
});
