import { observable } from 'rxjs';

interface StreamObserver<T> {
  next(value: T): void;
  error(error: unknown): void;
  complete(): void;
}

/**
 * An async generator its consumer can stop at once, even while it waits for something to say.
 *
 * The controller hands streams to Nest through rxjs's from(), which calls an async iterator's return() only after the
 * next value arrived: a watch of an operation that stays unchanged would go on polling long after its client left.
 * from() prefers the interop-observable protocol to async iteration, so this generator also speaks that protocol; an
 * unsubscribe (Nest unsubscribes when the client cancels the call) aborts the signal `produce` was given. Iterated
 * directly, it is simply the generator `produce` returned.
 */
export function abortableStream<T>(produce: (signal: AbortSignal) => AsyncGenerator<T>): AsyncGenerator<T> {
  const abort = new AbortController();
  const generator = produce(abort.signal);
  const subscribe = (observer: StreamObserver<T>) => {
    void (async () => {
      try {
        for await (const value of generator) {
          if (abort.signal.aborted) return;
          observer.next(value);
        }
        if (!abort.signal.aborted) observer.complete();
      } catch (error) {
        if (!abort.signal.aborted) observer.error(error);
      }
    })();
    return { unsubscribe: () => abort.abort() };
  };
  return Object.assign(generator, { [observable]: () => ({ subscribe }) });
}
