/**
 * Work a service repeats in the background (expiring requests, starting scheduled operations): one run at a time, a
 * failed run logged and tried again at the next tick, and stopping waits for the run in progress so a shutdown never
 * cuts a transaction short. The timer does not keep the process alive.
 */
export class PeriodicTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly name: string,
    private readonly intervalMs: number,
    private readonly work: () => Promise<unknown>,
    private readonly logError: (message: string) => void,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One run now, unless one is already going (then that one). */
  runOnce(): Promise<void> {
    this.running ??= this.work()
      .then(() => undefined)
      .catch((error: unknown) => this.logError(`${this.name} failed: ${String(error)}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
