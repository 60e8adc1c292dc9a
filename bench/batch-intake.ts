/**
 * Validating and storing a 100,000-row CSV batch through SubmitBatch, against a 10,000-row baseline measured in the
 * same run: rows per second and the peak heap growth of the process (which runs intake, so memory held by the batch
 * shows). Bounded memory means the 100,000-row peak stays near the 10,000-row one while the time grows about tenfold.
 * The deposits need a supervisor's approval (their total is above the auto-approval cap), so nothing executes.
 *
 *   npm run bench:batch        (BENCH_ROWS=100000 BENCH_BASELINE_ROWS=10000 BENCH_ACCOUNTS=20000 to change)
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { bearerMetadata, clientStreamCall, createGrpcClient } from '@tradewarden/grpc';
import { parseOperationCsv } from '@tradewarden/operation-csv';
import { intakeV1, type operationV1 } from '@tradewarden/proto';
import globalSetup from '../libs/test-harness/src/global-setup';
import globalTeardown from '../libs/test-harness/src/global-teardown';
import { userToken } from '@tradewarden/test-harness';
import { startInProcessPlatform } from '../e2e/src/in-process-platform';

const rows = Number(process.env['BENCH_ROWS'] ?? 100_000);
const baselineRows = Number(process.env['BENCH_BASELINE_ROWS'] ?? 10_000);
const accounts = Number(process.env['BENCH_ACCOUNTS'] ?? 20_000);
const CHUNK = 1000;

async function writeCsv(path: string, count: number, serverId: string, logins: readonly string[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('server_id,login,amount,currency,comment\n');
  for (let row = 0; row < count; row += 1) {
    // 0.11 USD each: the total passes the 10,000 auto-approval cap, so the batch waits for a supervisor.
    if (!out.write(`${serverId},${logins[row % logins.length]},0.11,USD,bench row ${row + 1}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Header, then the CSV's items in chunks, parsed as they are read. */
async function* batchMessages(path: string, clientRequestId: string): AsyncGenerator<intakeV1.SubmitBatchRequest> {
  yield intakeV1.SubmitBatchRequest.fromPartial({ header: { clientRequestId, operationType: 'balance.deposit' } });
  let chunk: operationV1.OperationItemSpec[] = [];
  for await (const parsed of parseOperationCsv(createReadStream(path), 'balance.deposit')) {
    if (parsed.errors.length > 0 || !parsed.spec) throw new Error(`row ${parsed.row}: ${JSON.stringify(parsed.errors)}`);
    chunk.push(parsed.spec);
    if (chunk.length === CHUNK) {
      yield intakeV1.SubmitBatchRequest.fromPartial({ items: { items: chunk } });
      chunk = [];
    }
  }
  if (chunk.length > 0) yield intakeV1.SubmitBatchRequest.fromPartial({ items: { items: chunk } });
}

async function measure(label: string, submit: () => Promise<intakeV1.SubmitBatchResponse>, count: number): Promise<{ seconds: number; peakHeapMb: number }> {
  global.gc?.();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
  const started = performance.now();
  const reply = await submit();
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  if (!reply.submitted || reply.acceptedItems !== count) throw new Error(`${label}: batch not accepted: ${JSON.stringify(reply.errors.slice(0, 3))}`);
  const peakHeapMb = (peak - baseline) / 1024 / 1024;
  console.log(`  ${label}: ${count} rows in ${seconds.toFixed(1)} s (${Math.round(count / seconds)} rows/s), peak heap growth ${peakHeapMb.toFixed(0)} MB`);
  return { seconds, peakHeapMb };
}

async function main(): Promise<void> {
  await globalSetup();
  const dir = mkdtempSync(join(tmpdir(), 'tradewarden-bench-batch-'));
  const platform = await startInProcessPlatform('bench-batch', { generatedAccounts: accounts });
  try {
    const usd = [...platform.simulator.state.accounts.values()]
      .filter((account) => platform.simulator.state.groups.get(account.group)?.currency === 'USD')
      .map((account) => account.login.toString());
    const intake = createGrpcClient(intakeV1.IntakeServiceService, platform.addresses.intake, 'IntakeService');
    const token = await userToken('agent');
    const submit = (path: string, id: string) => () => clientStreamCall(intake, 'submitBatch', batchMessages(path, id), bearerMetadata(token), 1_800_000);
    await writeCsv(join(dir, 'baseline.csv'), baselineRows, platform.serverId, usd);
    await writeCsv(join(dir, 'large.csv'), rows, platform.serverId, usd);
    console.log(`SubmitBatch of a CSV (parse, stream, validate against live state, store, paged plan events), ${usd.length} accounts`);
    const small = await measure('baseline', submit(join(dir, 'baseline.csv'), 'bench-baseline'), baselineRows);
    const large = await measure('large   ', submit(join(dir, 'large.csv'), 'bench-large'), rows);
    console.log(`  time ratio ${(large.seconds / small.seconds).toFixed(1)} for ${(rows / baselineRows).toFixed(0)}x the rows; peak heap ratio ${(large.peakHeapMb / Math.max(1, small.peakHeapMb)).toFixed(2)}`);
    intake.close();
  } finally {
    await platform.stop();
    rmSync(dir, { recursive: true, force: true });
    await globalTeardown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
