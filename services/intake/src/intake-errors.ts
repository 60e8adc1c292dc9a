import { status } from '@grpc/grpc-js';
import { PermissionDeniedError } from '@tradewarden/authorization-client';
import type { GrpcErrorMapper } from '@tradewarden/grpc';
import type { Issue as FieldError } from './catalogue/operation-type';
import { OperationTransitionError } from './domain/operation-status';

export type IntakeErrorCode =
  | 'VALIDATION_FAILED'
  | 'IDEMPOTENCY_CONFLICT'
  | 'NOT_FOUND'
  | 'LIVE_STATE_UNAVAILABLE'
  /** Another request changed the same record meanwhile (e.g. two saves of one template); repeating may succeed. */
  | 'CONCURRENT_CHANGE'
  /** The operation is not in a state that can be reverted, or nothing of it can be undone. */
  | 'NOT_REVERTIBLE';

export class IntakeError extends Error {
  constructor(
    readonly code: IntakeErrorCode,
    message: string,
    readonly fieldErrors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'IntakeError';
  }

  static validation(errors: readonly FieldError[]): IntakeError {
    const summary = errors.map((error) => `${error.field}: ${error.message} [${error.code}]`).join('; ');
    return new IntakeError('VALIDATION_FAILED', `invalid operation, nothing was submitted: ${summary}`, errors);
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled intake error code ${String(value)}`);
}

/** Intake's one mapping from its errors to gRPC status. */
export const mapIntakeError: GrpcErrorMapper = (error) => {
  if (error instanceof PermissionDeniedError) return { code: status.PERMISSION_DENIED, message: error.reason };
  if (error instanceof OperationTransitionError) return { code: status.FAILED_PRECONDITION, message: error.message };
  if (error instanceof IntakeError) {
    switch (error.code) {
      case 'VALIDATION_FAILED':
        return { code: status.INVALID_ARGUMENT, message: error.message };
      case 'IDEMPOTENCY_CONFLICT':
        return { code: status.ALREADY_EXISTS, message: error.message };
      case 'NOT_FOUND':
        return { code: status.NOT_FOUND, message: error.message };
      case 'LIVE_STATE_UNAVAILABLE':
        return { code: status.UNAVAILABLE, message: error.message };
      case 'CONCURRENT_CHANGE':
        return { code: status.ABORTED, message: error.message };
      case 'NOT_REVERTIBLE':
        return { code: status.FAILED_PRECONDITION, message: error.message };
      default:
        return assertUnreachable(error.code);
    }
  }
  return undefined;
};
