import { ReplaySubject, Subject } from 'rxjs';
import { flowControlled } from './flow-controlled-stream';

describe('flowControlled', () => {
  it('pauses the call while the consumer is behind and resumes it as it catches up, losing nothing', async () => {
    const source = new Subject<number>();
    const events: string[] = [];
    const call = { pause: () => events.push('pause'), resume: () => events.push('resume') };
    const reader = flowControlled(source.asObservable(), call, 4);
    const consumed: number[] = [];
    const consuming = (async () => {
      for await (const value of reader) {
        consumed.push(value);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    })();
    for (let i = 0; i < 20; i += 1) source.next(i);
    expect(events[0]).toBe('pause');
    source.complete();
    await consuming;
    expect(consumed).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(events.filter((event) => event === 'resume').length).toBeGreaterThan(0);
  });

  it('rethrows the stream error after the messages before it', async () => {
    // Like NestJS's request stream, messages that arrive before the handler subscribes are replayed to it.
    const source = new ReplaySubject<number>();
    const reader = flowControlled(source.asObservable(), undefined);
    source.next(1);
    source.error(new Error('client went away'));
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const value of reader) seen.push(value);
      })(),
    ).rejects.toThrow('client went away');
    expect(seen).toEqual([1]);
  });
});
