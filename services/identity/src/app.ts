import { ServingStatusRegistry, startGrpcService, type RunningGrpcService } from '@tradewarden/grpc';
import type { IdentityConfig } from './config';
import { IdentityModule } from './identity.module';

export function startIdentityService(config: IdentityConfig): Promise<RunningGrpcService> {
  return startGrpcService('identity', IdentityModule.forRoot(config), {
    packages: ['tradewarden.identity.v1'],
    protoFiles: ['tradewarden/identity/v1/identity.proto'],
    host: config.grpc.host,
    port: config.grpc.port,
    health: new ServingStatusRegistry(['tradewarden.identity.v1.IdentityService']),
  });
}
