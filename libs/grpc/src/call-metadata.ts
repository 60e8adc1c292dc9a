import { Metadata } from '@grpc/grpc-js';
import type { ArgumentsHost } from '@nestjs/common';

/**
 * The metadata of the call being handled. NestJS hands most handlers (data, metadata, call), but pass-through client
 * streams (GrpcStreamCall) (call, callback): there the metadata is the call's.
 */
export function callMetadata(host: ArgumentsHost): Metadata | undefined {
  const [first, second] = host.getArgs<[unknown, unknown]>();
  if (second instanceof Metadata) return second;
  const call = first as { metadata?: unknown } | undefined;
  return call?.metadata instanceof Metadata ? call.metadata : undefined;
}

/** The grpc-js callback of a pass-through call, when the handler is one; errors must reach the client through it. */
export function passThroughCallback(host: ArgumentsHost): ((error: { code: number; message: string } | null, value?: unknown) => void) | undefined {
  const [, second] = host.getArgs<[unknown, unknown]>();
  return typeof second === 'function' ? (second as (error: { code: number; message: string } | null, value?: unknown) => void) : undefined;
}
