import { rmSync } from 'node:fs';
import { HARNESS_ENV } from './harness-env';

export default async function globalTeardown(): Promise<void> {
  await globalThis.__tradewardenHarness?.stop();
  globalThis.__tradewardenHarness = undefined;
  const runDir = process.env[HARNESS_ENV.runDir];
  // Keep the servers' logs of a failed run for diagnosis when asked to.
  if (runDir && process.env['TW_KEEP_TEST_DATA'] !== '1') rmSync(runDir, { recursive: true, force: true });
}
