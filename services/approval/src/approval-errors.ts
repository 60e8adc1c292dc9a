import { status } from '@grpc/grpc-js';
import { PermissionDeniedError } from '@tradewarden/authorization-client';
import type { GrpcErrorMapper } from '@tradewarden/grpc';
import { DecisionRefusedError } from './requests/approval-decision';
import { ApprovalTransitionError } from './requests/approval-request';

export type ApprovalErrorCode = 'NOT_FOUND' | 'INVALID_ARGUMENT';

export class ApprovalError extends Error {
  constructor(
    readonly code: ApprovalErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApprovalError';
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled approval error code ${String(value)}`);
}

export const mapApprovalError: GrpcErrorMapper = (error) => {
  if (error instanceof PermissionDeniedError) return { code: status.PERMISSION_DENIED, message: error.reason };
  if (error instanceof ApprovalTransitionError) return { code: status.FAILED_PRECONDITION, message: error.message };
  if (error instanceof DecisionRefusedError) {
    const refusedToPerson = error.code === 'SELF_APPROVAL' || error.code === 'DUPLICATE_APPROVER' || error.code === 'ROLE_NOT_ALLOWED';
    return { code: refusedToPerson ? status.PERMISSION_DENIED : status.FAILED_PRECONDITION, message: `${error.message} [${error.code}]` };
  }
  if (error instanceof ApprovalError) {
    switch (error.code) {
      case 'NOT_FOUND':
        return { code: status.NOT_FOUND, message: error.message };
      case 'INVALID_ARGUMENT':
        return { code: status.INVALID_ARGUMENT, message: error.message };
      default:
        return assertUnreachable(error.code);
    }
  }
  return undefined;
};
