import { ServingStatusRegistry, startGrpcService, type RunningGrpcService } from '@tradewarden/grpc';
import { ApprovalModule } from './approval.module';
import type { ApprovalConfig } from './config';

export function startApprovalService(config: ApprovalConfig): Promise<RunningGrpcService> {
  return startGrpcService('approval', ApprovalModule.forRoot(config), {
    packages: ['tradewarden.approval.v1'],
    protoFiles: ['tradewarden/approval/v1/approval.proto'],
    host: config.grpc.host,
    port: config.grpc.port,
    health: new ServingStatusRegistry(['tradewarden.approval.v1.ApprovalService']),
  });
}
