import { PeriodicTask } from './periodic-task';

describe('PeriodicTask', () => {
  it('runs one at a time: a tick while a run is going joins it', async () => {
    let release!: () => void;
    let runs = 0;
    const task = new PeriodicTask('test', 1000, () => {
      runs += 1;
      return runs === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    }, () => undefined);
    const first = task.runOnce();
    const second = task.runOnce();
    expect(runs).toBe(1);
    release();
    await Promise.all([first, second]);
    await task.runOnce().then(() => expect(runs).toBe(2));
  });

  it('logs a failed run and keeps going', async () => {
    const errors: string[] = [];
    let runs = 0;
    const task = new PeriodicTask('expiry sweep', 1000, async () => {
      runs += 1;
      if (runs === 1) throw new Error('database gone');
    }, (message) => errors.push(message));
    await task.runOnce();
    await task.runOnce();
    expect(errors).toEqual(['expiry sweep failed: Error: database gone']);
    expect(runs).toBe(2);
  });

  it('runs on its interval once started, and stops waiting for the run in progress', async () => {
    jest.useFakeTimers();
    try {
      let runs = 0;
      const task = new PeriodicTask('tick', 100, async () => {
        runs += 1;
      }, () => undefined);
      task.start();
      await jest.advanceTimersByTimeAsync(350);
      expect(runs).toBe(3);
      await task.stop();
      await jest.advanceTimersByTimeAsync(500);
      expect(runs).toBe(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
