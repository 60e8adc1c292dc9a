import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { ConnectionSlots } from './coordination/connection-slots';
import { LockSession } from './coordination/lock-session';
import { ExecutionCommandHandler } from './execution/execution-command.handler';
import { CredentialVault } from './execution/credential-vault.service';
import { EXECUTION_PARTITIONS, ExecutionOwnership } from './execution/execution-ownership.service';
import { ExecutorService } from './execution/executor.service';
import { mapGatewayError } from './gateway-errors';
import { GatewayController } from './grpc/gateway.controller';
import { PoolMetrics } from './registry/pool-metrics';
import { ExecutionMetrics } from './execution/execution-metrics';
import { ExecutionHolders } from './reads/execution-holders';
import { lockSessionName } from './reads/read-routing';
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
          consumers: [{ name: 'execution', topics: [Topics.executionCommands], handler: ExecutionCommandHandler, sessionTimeoutMs: config.execution.sessionTimeoutMs }],
          partitions: { [Topics.executionCommands]: EXECUTION_PARTITIONS },
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapGatewayError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [GatewayController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        // The instance's session for advisory locks (connection slots, execution partitions); its name shows the
        // holder in pg_stat_activity.
        { provide: LockSession, useFactory: () => new LockSession(config.database.url, lockSessionName(config.advertisedAddress, process.pid)) },
        { provide: ConnectionSlots, useFactory: (locks: LockSession) => new ConnectionSlots(locks, config.database.schema), inject: [LockSession] },
        ExecutionOwnership,
        ServerRegistryService,
        PoolMetrics,
        ExecutionMetrics,
        ExecutionHolders,
        ExecutorService,
        CredentialVault,
        ExecutionCommandHandler,
        { provide: AuthorizationClient, useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount) },
      ],
    };
  }
}
