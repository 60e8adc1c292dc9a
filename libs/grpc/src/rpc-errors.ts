import { status } from '@grpc/grpc-js';
import { Catch, Logger, type ArgumentsHost, type RpcExceptionFilter } from '@nestjs/common';
import { RpcException } from '@nestjs/microservices';
import { throwError, type Observable } from 'rxjs';

/** An RpcException that NestJS hands to grpc-js as the call's status code and details. */
export function rpcError(code: status, message: string): RpcException {
  return new RpcException({ code, message });
}

/** Maps a service's own domain errors to gRPC status; returns undefined for errors it does not know. */
export type GrpcErrorMapper = (error: unknown) => { code: status; message: string } | undefined;

/**
 * The one place per service where errors become gRPC status codes. Known domain errors go through the service's
 * mapper (an exhaustive switch over its error codes); RpcExceptions pass as they are; anything else is INTERNAL with
 * a generic message, logged with its stack, never leaking internals to the caller.
 */
@Catch()
export class GrpcExceptionFilter implements RpcExceptionFilter<unknown> {
  private readonly logger = new Logger('grpc');

  constructor(private readonly mapper: GrpcErrorMapper) {}

  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    if (exception instanceof RpcException) return throwError(() => exception.getError());
    const mapped = this.mapper(exception);
    if (mapped) return throwError(() => mapped);
    this.logger.error(`unhandled error: ${(exception as Error)?.stack ?? String(exception)}`);
    return throwError(() => ({ code: status.INTERNAL, message: 'internal error' }));
  }
}
