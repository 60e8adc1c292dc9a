import { ServingStatusRegistry, startGrpcService, type RunningGrpcService } from '@tradewarden/grpc';
import type { GatewayConfig } from './config';
import { GatewayModule } from './gateway.module';

export function startGatewayService(config: GatewayConfig): Promise<RunningGrpcService> {
  return startGrpcService('gateway', GatewayModule.forRoot(config), {
    packages: ['tradewarden.gateway.v1'],
    protoFiles: ['tradewarden/gateway/v1/gateway.proto'],
    host: config.grpc.host,
    port: config.grpc.port,
    health: new ServingStatusRegistry(['tradewarden.gateway.v1.GatewayService']),
  });
}
