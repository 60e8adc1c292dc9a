import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { callerOf } from '@tradewarden/grpc';
import { intakeV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';
import { SubmissionService } from '../submission/submission.service';

@Controller()
@intakeV1.IntakeServiceControllerMethods()
export class IntakeController implements intakeV1.IntakeServiceController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly authorization: AuthorizationClient,
  ) {}

  async submitOperation(request: intakeV1.SubmitOperationRequest, metadata?: Metadata): Promise<intakeV1.SubmitOperationResponse> {
    const { actor } = callerOf(metadata);
    return this.submissions.submit(actor, request);
  }

  async validateOperation(request: intakeV1.ValidateOperationRequest, metadata?: Metadata): Promise<intakeV1.ValidateOperationResponse> {
    const { actor } = callerOf(metadata);
    return this.submissions.validate(actor, request);
  }

  async getOperation(request: intakeV1.GetOperationRequest, metadata?: Metadata): Promise<intakeV1.GetOperationResponse> {
    const { actor } = callerOf(metadata);
    if (!/^[0-9a-f-]{36}$/i.test(request.operationId)) throw IntakeError.validation([{ field: 'operation_id', code: 'FORMAT', message: 'must be a UUID' }]);
    const operation = await this.submissions.view(request.operationId);
    await this.authorization.require(actor, { action: 'view', operationType: operation.operationType });
    return { operation };
  }
}
