import { Metadata, status } from '@grpc/grpc-js';
import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { of, throwError, type Observable } from 'rxjs';
import { passThroughCallback } from './call-metadata';

/** An RpcException that NestJS hands to grpc-js as the call's status code and details. */
export function rpcError(code: status, message: string): RpcException {
  return new RpcException({ code, message });
}

export interface MappedGrpcError {
  code: status;
  message: string;
  /**
   * The failure lies beyond this instance (an MT server down or refusing the gateway's login): any other instance
   * would fail the same way, so callers must not send the call again to another one (their retry policies retry
   * UNAVAILABLE, meant for an instance that went away).
   */
  beyondThisInstance?: boolean;
}

/** Maps a service's own domain errors to gRPC status; returns undefined for errors it does not know. */
export type GrpcErrorMapper = (error: unknown) => MappedGrpcError | undefined;

/** What grpc-js sends: the status, and trailers telling a retrying client not to retry. */
export interface GrpcErrorStatus {
  code: status;
  message: string;
  metadata?: Metadata;
}

/**
 * The one place per service where errors become gRPC status codes. Known domain errors go through the service's
 * mapper (an exhaustive switch over its error codes); RpcExceptions pass as they are; anything else is INTERNAL with
 * a generic message, logged with its stack, never leaking internals to the caller.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('grpc');

  constructor(private readonly mapper: GrpcErrorMapper) {}

  catch(exception: unknown, host: ArgumentsHost): Observable<never> {
    const error = grpcErrorOf(exception, this.mapper, this.logger);
    // A pass-through call answers through its callback, not through the handler's result.
    const callback = passThroughCallback(host);
    if (callback) {
      callback(error);
      // NestJS waits for the last value of a pass-through handler: one empty value ends it without an error.
      return of(undefined) as unknown as Observable<never>;
    }
    return throwError(() => error);
  }
}

/** The status and message a caller sees for an error (the same for every kind of handler). */
export function grpcErrorOf(exception: unknown, mapper: GrpcErrorMapper, logger = new Logger('grpc')): GrpcErrorStatus {
  if (exception instanceof RpcException) {
    const error = exception.getError();
    return typeof error === 'object' && error !== null && 'code' in error ? (error as { code: status; message: string }) : { code: status.UNKNOWN, message: String(error) };
  }
  const mapped = mapper(exception);
  if (mapped) {
    const { beyondThisInstance, ...grpcStatus } = mapped;
    if (!beyondThisInstance) return grpcStatus;
    // gRPC's retry policy honours this trailer: a negative pushback means "do not retry this call".
    const metadata = new Metadata();
    metadata.set('grpc-retry-pushback-ms', '-1');
    return { ...grpcStatus, metadata };
  }
  logger.error(`unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
  return { code: status.INTERNAL, message: 'internal error' };
}
