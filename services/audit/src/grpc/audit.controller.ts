import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { from, ignoreElements, type Observable } from 'rxjs';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { callerOf } from '@tradewarden/grpc';
import { auditV1 } from '@tradewarden/proto';
import { AuditTrailService, type ExportSink } from '../trail/audit-trail.service';

const AUDIT_TRAIL = 'audit.trail';

/** A server stream as an export's sink: each write waits for the stream to drain, so a slow reader slows the export. */
function sinkOf(call: ServerWritableStream<auditV1.ExportRecordsRequest, auditV1.ExportRecordsResponse>): ExportSink {
  return {
    get cancelled() {
      return call.cancelled;
    },
    write: (chunk) =>
      new Promise<void>((resolve) => {
        if (call.write(chunk)) resolve();
        else {
          const done = () => {
            call.off('drain', done);
            call.off('cancelled', done);
            resolve();
          };
          call.on('drain', done);
          call.on('cancelled', done);
        }
      }),
  };
}

/** The trail's gRPC surface: every method is for those allowed to view the audit trail. */
@Controller()
@auditV1.AuditServiceControllerMethods()
export class AuditController implements auditV1.AuditServiceController {
  constructor(
    private readonly trail: AuditTrailService,
    private readonly authorization: AuthorizationClient,
  ) {}

  private async requireViewer(metadata: Metadata | undefined): Promise<void> {
    await this.authorization.require(callerOf(metadata).actor, { action: 'view', operationType: AUDIT_TRAIL });
  }

  async listRecords(request: auditV1.ListRecordsRequest, metadata?: Metadata): Promise<auditV1.ListRecordsResponse> {
    await this.requireViewer(metadata);
    // proto-loader gives absent messages as null; ts-proto's helpers normalize them.
    return this.trail.listRecords(auditV1.ListRecordsRequest.fromPartial(request));
  }

  async listCheckpoints(request: auditV1.ListCheckpointsRequest, metadata?: Metadata): Promise<auditV1.ListCheckpointsResponse> {
    await this.requireViewer(metadata);
    return this.trail.listCheckpoints(auditV1.ListCheckpointsRequest.fromPartial(request));
  }

  async verifyChain(request: auditV1.VerifyChainRequest, metadata?: Metadata): Promise<auditV1.VerifyChainResponse> {
    await this.requireViewer(metadata);
    return this.trail.verifyChain(auditV1.VerifyChainRequest.fromPartial(request));
  }

  /**
   * Writes the chunks to the call itself (NestJS's Observable form would buffer a whole export for a slow reader); the
   * returned Observable only says when it is done, or carries the error.
   */
  exportRecords(request: auditV1.ExportRecordsRequest, metadata?: Metadata, call?: ServerWritableStream<auditV1.ExportRecordsRequest, auditV1.ExportRecordsResponse>): Observable<auditV1.ExportRecordsResponse> {
    const run = async (): Promise<void> => {
      await this.requireViewer(metadata);
      if (!call) throw new Error('ExportRecords needs its server call');
      await this.trail.exportRecords(auditV1.ExportRecordsRequest.fromPartial(request), sinkOf(call));
    };
    return from(run()).pipe(ignoreElements());
  }
}
