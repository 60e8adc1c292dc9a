import { ServingStatusRegistry, startGrpcService, type RunningGrpcService } from '@tradewarden/grpc';
import type { IntakeConfig } from './config';
import { IntakeModule } from './intake.module';

export function startIntakeService(config: IntakeConfig): Promise<RunningGrpcService> {
  return startGrpcService('intake', IntakeModule.forRoot(config), {
    packages: ['tradewarden.intake.v1'],
    protoFiles: ['tradewarden/intake/v1/intake.proto'],
    host: config.grpc.host,
    port: config.grpc.port,
    health: new ServingStatusRegistry(['tradewarden.intake.v1.IntakeService']),
  });
}
