import { ServingStatusRegistry, startGrpcService, type RunningGrpcService } from '@tradewarden/grpc';
import { AuditModule } from './audit.module';
import type { AuditConfig } from './config';

export function startAuditService(config: AuditConfig): Promise<RunningGrpcService> {
  return startGrpcService('audit', AuditModule.forRoot(config), {
    packages: ['tradewarden.audit.v1'],
    protoFiles: ['tradewarden/audit/v1/audit.proto'],
    host: config.grpc.host,
    port: config.grpc.port,
    health: new ServingStatusRegistry(['tradewarden.audit.v1.AuditService']),
  });
}
