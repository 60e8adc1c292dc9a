import { status } from '@grpc/grpc-js';
import type { GrpcErrorMapper } from '@tradewarden/grpc';
import { PermissionDeniedError } from '@tradewarden/authorization-client';
import { MtRetcodeError, MtTransportError, MtAuthenticationError } from './mt5/mt5-errors';

export type GatewayErrorCode =
  | 'SERVER_NOT_FOUND'
  | 'SERVER_DISABLED'
  | 'PLATFORM_NOT_SUPPORTED'
  | 'SECRET_UNRESOLVED'
  | 'INVALID_ARGUMENT'
  | 'CREDENTIALS_NOT_FOUND'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'NOT_THE_SUBMITTER';

export class GatewayError extends Error {
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled gateway error code ${String(value)}`);
}

/** The gateway's one mapping from its errors (and the MT server's) to gRPC status. */
export const mapGatewayError: GrpcErrorMapper = (error) => {
  if (error instanceof PermissionDeniedError) return { code: status.PERMISSION_DENIED, message: error.reason };
  if (error instanceof GatewayError) {
    switch (error.code) {
      case 'SERVER_NOT_FOUND':
        return { code: status.NOT_FOUND, message: error.message };
      case 'INVALID_ARGUMENT':
        return { code: status.INVALID_ARGUMENT, message: error.message };
      case 'SERVER_DISABLED':
        return { code: status.FAILED_PRECONDITION, message: error.message };
      case 'PLATFORM_NOT_SUPPORTED':
        return { code: status.UNIMPLEMENTED, message: error.message };
      case 'SECRET_UNRESOLVED':
        return { code: status.FAILED_PRECONDITION, message: error.message };
      case 'CREDENTIALS_NOT_FOUND':
        return { code: status.NOT_FOUND, message: error.message };
      case 'CREDENTIALS_UNAVAILABLE':
        return { code: status.FAILED_PRECONDITION, message: error.message };
      case 'NOT_THE_SUBMITTER':
        return { code: status.PERMISSION_DENIED, message: error.message };
      default:
        return assertUnreachable(error.code);
    }
  }
  if (error instanceof MtRetcodeError) {
    return error.notFound
      ? { code: status.NOT_FOUND, message: error.message }
      : { code: status.FAILED_PRECONDITION, message: error.message };
  }
  if (error instanceof MtTransportError || error instanceof MtAuthenticationError) {
    // The MT server is down, saturated or refusing the login: every gateway instance shares it, so no retry elsewhere.
    return { code: status.UNAVAILABLE, message: error.message, beyondThisInstance: true };
  }
  return undefined;
};
