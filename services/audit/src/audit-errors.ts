import { status } from '@grpc/grpc-js';
import { PermissionDeniedError } from '@tradewarden/authorization-client';
import type { GrpcErrorMapper } from '@tradewarden/grpc';

export type AuditErrorCode = 'INVALID_ARGUMENT';

export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuditError';
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled audit error code ${String(value)}`);
}

export const mapAuditError: GrpcErrorMapper = (error) => {
  if (error instanceof PermissionDeniedError) return { code: status.PERMISSION_DENIED, message: error.reason };
  if (error instanceof AuditError) {
    switch (error.code) {
      case 'INVALID_ARGUMENT':
        return { code: status.INVALID_ARGUMENT, message: error.message };
      default:
        return assertUnreachable(error.code);
    }
  }
  return undefined;
};
