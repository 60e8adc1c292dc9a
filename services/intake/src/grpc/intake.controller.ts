import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { from, type Observable } from 'rxjs';
import { callerOf, flowControlled, type PausableCall } from '@tradewarden/grpc';
import { intakeV1 } from '@tradewarden/proto';
import { BatchSubmissionService } from '../batches/batch-submission.service';
import { OperationQueryService } from '../queries/operation-query.service';
import { SubmissionService } from '../submission/submission.service';
import { TemplateService } from '../templates/template.service';

/** Intake's gRPC surface: each method takes the caller from the validated token and hands over to a service. */
@Controller()
@intakeV1.IntakeServiceControllerMethods()
export class IntakeController implements intakeV1.IntakeServiceController {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly batches: BatchSubmissionService,
    private readonly queries: OperationQueryService,
    private readonly templates: TemplateService,
  ) {}

  async submitOperation(request: intakeV1.SubmitOperationRequest, metadata?: Metadata): Promise<intakeV1.SubmitOperationResponse> {
    return this.submissions.submit(callerOf(metadata).actor, request);
  }

  async validateOperation(request: intakeV1.ValidateOperationRequest, metadata?: Metadata): Promise<intakeV1.ValidateOperationResponse> {
    return this.submissions.validate(callerOf(metadata).actor, request);
  }

  async getOperation(request: intakeV1.GetOperationRequest, metadata?: Metadata): Promise<intakeV1.GetOperationResponse> {
    return this.queries.get(callerOf(metadata).actor, request);
  }

  /** The third argument is the grpc-js call: pausing it holds the client back while a chunk is processed. */
  async submitBatch(requests: Observable<intakeV1.SubmitBatchRequest>, metadata?: Metadata, call?: PausableCall): Promise<intakeV1.SubmitBatchResponse> {
    return this.batches.submit(callerOf(metadata).actor, flowControlled(requests, call));
  }

  async listOperations(request: intakeV1.ListOperationsRequest, metadata?: Metadata): Promise<intakeV1.ListOperationsResponse> {
    return this.queries.list(callerOf(metadata).actor, request);
  }

  watchOperation(request: intakeV1.WatchOperationRequest, metadata?: Metadata): Observable<intakeV1.WatchOperationResponse> {
    return from(this.queries.watch(callerOf(metadata).actor, request));
  }

  async cancelOperation(request: intakeV1.CancelOperationRequest, metadata?: Metadata): Promise<intakeV1.CancelOperationResponse> {
    return this.queries.cancel(callerOf(metadata).actor, request);
  }

  getOperationReport(request: intakeV1.GetOperationReportRequest, metadata?: Metadata): Observable<intakeV1.GetOperationReportResponse> {
    return from(this.queries.report(callerOf(metadata).actor, request));
  }

  async retryFailedItems(request: intakeV1.RetryFailedItemsRequest, metadata?: Metadata): Promise<intakeV1.RetryFailedItemsResponse> {
    return this.batches.retryFailed(callerOf(metadata).actor, request);
  }

  async listTemplates(_request: intakeV1.ListTemplatesRequest, metadata?: Metadata): Promise<intakeV1.ListTemplatesResponse> {
    return this.templates.list(callerOf(metadata).actor);
  }

  async getTemplate(request: intakeV1.GetTemplateRequest, metadata?: Metadata): Promise<intakeV1.GetTemplateResponse> {
    return this.templates.get(callerOf(metadata).actor, request);
  }

  async saveTemplate(request: intakeV1.SaveTemplateRequest, metadata?: Metadata): Promise<intakeV1.SaveTemplateResponse> {
    return this.templates.save(callerOf(metadata).actor, request);
  }
}
