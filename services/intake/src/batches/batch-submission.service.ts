import { Injectable } from '@nestjs/common';
import type { commonV1, intakeV1 } from '@tradewarden/proto';

/** SubmitBatch and RetryFailedItems: large operations streamed in, validated and stored chunk by chunk. */
@Injectable()
export class BatchSubmissionService {
  submit(_actor: commonV1.Actor, _requests: AsyncIterable<intakeV1.SubmitBatchRequest>): Promise<intakeV1.SubmitBatchResponse> {
    throw new Error('BatchSubmissionService.submit is being written');
  }

  retryFailed(_actor: commonV1.Actor, _request: intakeV1.RetryFailedItemsRequest): Promise<intakeV1.RetryFailedItemsResponse> {
    throw new Error('BatchSubmissionService.retryFailed is being written');
  }
}
