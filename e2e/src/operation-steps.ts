import type { Metadata, ServiceError } from '@grpc/grpc-js';
import { unaryCall, type GrpcClient } from '@tradewarden/grpc';
import { approvalV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { eventually } from '@tradewarden/test-harness';

/** The error a call must end with (a call that succeeds fails the test). */
export function failure(promise: Promise<unknown>): Promise<ServiceError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: ServiceError) => error,
  );
}

/** Waits (Kafka carries the steps between services) until the operation is in the wanted status; returns it. */
export function operationReaches(
  intake: GrpcClient<typeof intakeV1.IntakeServiceService>,
  metadata: Metadata,
  operationId: string,
  wanted: operationV1.OperationStatus,
  timeoutMs = 60_000,
): Promise<intakeV1.Operation> {
  return eventually(async () => {
    const operation = (await unaryCall(intake, 'getOperation', intakeV1.GetOperationRequest.fromPartial({ operationId }), metadata)).operation!;
    if (operation.status !== wanted) throw new Error(`operation is ${operationV1.OperationStatus[operation.status]}, waiting for ${operationV1.OperationStatus[wanted]}`);
    return operation;
  }, timeoutMs);
}

/** Waits until the operation's approval request is open (the approval service consumed the submission). */
export function approvalPending(approval: GrpcClient<typeof approvalV1.ApprovalServiceService>, metadata: Metadata, operationId: string): Promise<approvalV1.ApprovalRequest> {
  return eventually(async () => {
    const found = (await unaryCall(approval, 'getApprovalRequest', { operationId }, metadata)).approvalRequest!;
    if (found.state !== approvalV1.ApprovalState.APPROVAL_STATE_PENDING) throw new Error(`approval request is ${approvalV1.ApprovalState[found.state]}`);
    return found;
  });
}
