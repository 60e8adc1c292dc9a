import { setTimeout as sleep } from 'node:timers/promises';
import { firstValueFrom, from, take, toArray } from 'rxjs';
import { abortableStream } from './abortable-stream';

/** A stream like a watch: one value, then polls that find nothing new until aborted. */
function quietAfterFirstValue() {
  const state = { polls: 0, finished: false };
  const stream = abortableStream(async function* (signal) {
    try {
      yield 'first';
      while (!signal.aborted) {
        state.polls += 1;
        await sleep(5, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      state.finished = true;
    }
  });
  return { state, stream };
}

describe('abortableStream', () => {
  it('stops polling as soon as the rxjs subscriber unsubscribes (from() alone would wait for a next value)', async () => {
    const { state, stream } = quietAfterFirstValue();
    const values: string[] = [];
    const subscription = from(stream).subscribe((value) => values.push(value));
    await sleep(30);
    expect(values).toEqual(['first']);
    expect(state.polls).toBeGreaterThan(0);
    subscription.unsubscribe();
    await sleep(20);
    expect(state.finished).toBe(true);
    const pollsAfterStop = state.polls;
    await sleep(30);
    expect(state.polls).toBe(pollsAfterStop);
  });

  it('delivers every value and completes', async () => {
    const stream = abortableStream(async function* () {
      yield 1;
      yield 2;
      yield 3;
    });
    await expect(firstValueFrom(from(stream).pipe(toArray()))).resolves.toEqual([1, 2, 3]);
  });

  it('ends the subscription when an operator has taken enough', async () => {
    const { state, stream } = quietAfterFirstValue();
    await expect(firstValueFrom(from(stream).pipe(take(1)))).resolves.toBe('first');
    await sleep(20);
    expect(state.finished).toBe(true);
  });

  it('passes errors on', async () => {
    const stream = abortableStream(async function* () {
      yield 1;
      throw new Error('gone');
    });
    await expect(firstValueFrom(from(stream).pipe(toArray()))).rejects.toThrow('gone');
  });

  it('is still a plain async generator when iterated directly', async () => {
    const stream = abortableStream(async function* () {
      yield 'a';
      yield 'b';
    });
    const values: string[] = [];
    for await (const value of stream) values.push(value);
    expect(values).toEqual(['a', 'b']);
  });
});
