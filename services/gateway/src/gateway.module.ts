import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { ExecutionCommandHandler } from './execution/execution-command.handler';
import { CredentialVault } from './execution/credential-vault.service';
import { ExecutorService } from './execution/executor.service';
import { mapGatewayError } from './gateway-errors';
import { GatewayController } from './grpc/gateway.controller';
import { PoolMetrics } from './registry/pool-metrics';
import { ServerRegistryService } from './registry/server-registry.service';
import { GATEWAY_ENTITIES, GATEWAY_MIGRATIONS } from './gateway-schema';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          migrationUrl: config.database.migrationUrl,
          entities: GATEWAY_ENTITIES,
          migrations: GATEWAY_MIGRATIONS,
          applicationName: 'tradewarden-gateway',
        }),
        MessagingModule.forService({
          service: 'gateway',
          brokers: config.kafka.brokers,
          security: config.kafka.security,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.executionResults, Topics.accessEvents, Topics.registryEvents],
          consumers: [{ name: 'execution', topics: [Topics.executionCommands], handler: ExecutionCommandHandler }],
          partitions: { [Topics.executionCommands]: 12 },
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapGatewayError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [GatewayController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        ServerRegistryService,
        PoolMetrics,
        ExecutorService,
        CredentialVault,
        ExecutionCommandHandler,
        { provide: AuthorizationClient, useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount) },
      ],
    };
  }
}
