import type { Metadata, sendUnaryData, ServerReadableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import { from, type Observable } from 'rxjs';
import { callerOf, grpcErrorOf } from '@tradewarden/grpc';
import { intakeV1 } from '@tradewarden/proto';
import { BatchSubmissionService } from '../batches/batch-submission.service';
import { mapIntakeError } from '../intake-errors';
import { OperationQueryService } from '../queries/operation-query.service';
import { SubmissionService } from '../submission/submission.service';
import { RevertService } from '../submission/revert.service';
import { TemplateService } from '../templates/template.service';

/**
 * Requests as ts-proto's types: the server decodes with proto-loader, which gives null for absent messages and adds a
 * key naming each oneof's case; fromPartial turns that into the shape the rest of intake expects.
 */
async function* normalized(messages: AsyncIterable<intakeV1.SubmitBatchRequest>): AsyncGenerator<intakeV1.SubmitBatchRequest> {
  for await (const message of messages) yield intakeV1.SubmitBatchRequest.fromPartial(message);
}

/**
 * Registers the methods like the generated IntakeServiceControllerMethods, except SubmitBatch: as a pass-through call
 * (GrpcStreamCall) it reads the raw stream, with the stream's own back-pressure. NestJS's Observable form buffers a
 * client stream without limit and, when the client finishes sending before the handler starts (the token check is
 * asynchronous), drops the buffered messages.
 */
function IntakeServiceMethods(): ClassDecorator {
  return (constructor) => {
    const prototype = constructor.prototype as Record<string, unknown>;
    const register = (method: string, decorator: MethodDecorator) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(prototype, method)!;
      decorator(prototype[method] as object, method, descriptor);
      Object.defineProperty(prototype, method, descriptor);
    };
    for (const method of [
      'submitOperation',
      'validateOperation',
      'getOperation',
      'listOperations',
      'watchOperation',
      'cancelOperation',
      'getOperationReport',
      'retryFailedItems',
      'revertOperation',
      'listTemplates',
      'getTemplate',
      'saveTemplate',
    ]) {
      register(method, GrpcMethod('IntakeService', method));
    }
    register('submitBatch', GrpcStreamCall('IntakeService', 'submitBatch'));
  };
}

/** Intake's gRPC surface: each method takes the caller from the validated token and hands over to a service. */
@Controller()
@IntakeServiceMethods()
export class IntakeController implements Omit<intakeV1.IntakeServiceController, 'submitBatch'> {
  constructor(
    private readonly submissions: SubmissionService,
    private readonly batches: BatchSubmissionService,
    private readonly queries: OperationQueryService,
    private readonly templates: TemplateService,
    private readonly reverts: RevertService,
  ) {}

  async submitOperation(request: intakeV1.SubmitOperationRequest, metadata?: Metadata): Promise<intakeV1.SubmitOperationResponse> {
    return this.submissions.submit(callerOf(metadata).actor, intakeV1.SubmitOperationRequest.fromPartial(request));
  }

  async validateOperation(request: intakeV1.ValidateOperationRequest, metadata?: Metadata): Promise<intakeV1.ValidateOperationResponse> {
    return this.submissions.validate(callerOf(metadata).actor, intakeV1.ValidateOperationRequest.fromPartial(request));
  }

  async getOperation(request: intakeV1.GetOperationRequest, metadata?: Metadata): Promise<intakeV1.GetOperationResponse> {
    return this.queries.get(callerOf(metadata).actor, intakeV1.GetOperationRequest.fromPartial(request));
  }

  /** Reads the stream as the service consumes it (a chunk at a time), and answers through the call's callback. */
  async submitBatch(call: ServerReadableStream<intakeV1.SubmitBatchRequest, intakeV1.SubmitBatchResponse>, callback: sendUnaryData<intakeV1.SubmitBatchResponse>): Promise<void> {
    try {
      callback(null, await this.batches.submit(callerOf(call.metadata).actor, normalized(call)));
    } catch (error) {
      callback(grpcErrorOf(error, mapIntakeError));
    }
  }

  async listOperations(request: intakeV1.ListOperationsRequest, metadata?: Metadata): Promise<intakeV1.ListOperationsResponse> {
    return this.queries.list(callerOf(metadata).actor, intakeV1.ListOperationsRequest.fromPartial(request));
  }

  watchOperation(request: intakeV1.WatchOperationRequest, metadata?: Metadata): Observable<intakeV1.WatchOperationResponse> {
    return from(this.queries.watch(callerOf(metadata).actor, intakeV1.WatchOperationRequest.fromPartial(request)));
  }

  async cancelOperation(request: intakeV1.CancelOperationRequest, metadata?: Metadata): Promise<intakeV1.CancelOperationResponse> {
    return this.queries.cancel(callerOf(metadata).actor, intakeV1.CancelOperationRequest.fromPartial(request));
  }

  getOperationReport(request: intakeV1.GetOperationReportRequest, metadata?: Metadata): Observable<intakeV1.GetOperationReportResponse> {
    return from(this.queries.report(callerOf(metadata).actor, intakeV1.GetOperationReportRequest.fromPartial(request)));
  }

  async retryFailedItems(request: intakeV1.RetryFailedItemsRequest, metadata?: Metadata): Promise<intakeV1.RetryFailedItemsResponse> {
    return this.batches.retryFailed(callerOf(metadata).actor, intakeV1.RetryFailedItemsRequest.fromPartial(request));
  }

  async revertOperation(request: intakeV1.RevertOperationRequest, metadata?: Metadata): Promise<intakeV1.RevertOperationResponse> {
    return this.reverts.revert(callerOf(metadata).actor, intakeV1.RevertOperationRequest.fromPartial(request));
  }

  async listTemplates(_request: intakeV1.ListTemplatesRequest, metadata?: Metadata): Promise<intakeV1.ListTemplatesResponse> {
    return this.templates.list(callerOf(metadata).actor);
  }

  async getTemplate(request: intakeV1.GetTemplateRequest, metadata?: Metadata): Promise<intakeV1.GetTemplateResponse> {
    return this.templates.get(callerOf(metadata).actor, intakeV1.GetTemplateRequest.fromPartial(request));
  }

  async saveTemplate(request: intakeV1.SaveTemplateRequest, metadata?: Metadata): Promise<intakeV1.SaveTemplateResponse> {
    return this.templates.save(callerOf(metadata).actor, intakeV1.SaveTemplateRequest.fromPartial(request));
  }
}
