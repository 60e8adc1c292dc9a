import type { Metadata } from '@grpc/grpc-js';
import type { VerifiedCaller } from '@tradewarden/auth';

// The guard and the handler receive the same Metadata instance for a call, so it keys the verified caller without
// writing anything a client could have sent.
const callers = new WeakMap<Metadata, VerifiedCaller>();

export function rememberCaller(metadata: Metadata, caller: VerifiedCaller): void {
  callers.set(metadata, caller);
}

/** The caller the auth guard verified for this call; a handler reached without the guard is a wiring bug. */
export function callerOf(metadata: Metadata | undefined): VerifiedCaller {
  const caller = metadata ? callers.get(metadata) : undefined;
  if (!caller) throw new Error('no verified caller for this call: is GrpcAuthGuard applied to the controller?');
  return caller;
}
