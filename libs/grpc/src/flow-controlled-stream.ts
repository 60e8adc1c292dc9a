import type { Observable } from 'rxjs';

/** What of a grpc-js server call is needed to hold a client back: pausing stops reading, and HTTP/2 flow control does the rest. */
export interface PausableCall {
  pause(): unknown;
  resume(): unknown;
}

/**
 * A client stream as an async iterable that reads no further ahead than `highWater` messages: when the consumer falls
 * behind, the call is paused and the client waits (HTTP/2 flow control), so memory stays bounded whatever it sends.
 * (NestJS hands client streams over as Observables, which have no back-pressure of their own.)
 */
export async function* flowControlled<T>(messages: Observable<T>, call: PausableCall | undefined, highWater = 4): AsyncGenerator<T> {
  const queue: T[] = [];
  let done = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let paused = false;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  const subscription = messages.subscribe({
    next: (message) => {
      queue.push(message);
      if (queue.length >= highWater && call && !paused) {
        paused = true;
        call.pause();
      }
      notify();
    },
    error: (error: unknown) => {
      failure = error;
      done = true;
      notify();
    },
    complete: () => {
      done = true;
      notify();
    },
  });
  try {
    for (;;) {
      if (queue.length > 0) {
        const next = queue.shift()!;
        if (paused && queue.length < highWater / 2) {
          paused = false;
          call?.resume();
        }
        yield next;
        continue;
      }
      if (done) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    subscription.unsubscribe();
    if (paused) call?.resume();
  }
}
