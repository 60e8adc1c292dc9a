import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { CreateMessagingTables1764201600000, messagingEntities, MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { ExecutionCommandHandler } from './execution/execution-command.handler';
import { ExecutionItemRow } from './execution/execution-item.entity';
import { ExecutorService } from './execution/executor.service';
import { mapGatewayError } from './gateway-errors';
import { GatewayController } from './grpc/gateway.controller';
import { CreateRegistryAndLedger1764201800000 } from './migrations/1764201800000-create-registry-and-ledger';
import { MtServerRow } from './registry/mt-server.entity';
import { ServerRegistryService } from './registry/server-registry.service';

@Module({})
export class GatewayModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: GatewayModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          entities: [MtServerRow, ExecutionItemRow, ...messagingEntities],
          migrations: [CreateMessagingTables1764201600000, CreateRegistryAndLedger1764201800000],
          applicationName: 'tradewarden-gateway',
        }),
        MessagingModule.forService({
          service: 'gateway',
          brokers: config.kafka.brokers,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.executionResults, Topics.accessEvents],
          consumers: [{ name: 'execution', topics: [Topics.executionCommands], handler: ExecutionCommandHandler }],
          partitions: { [Topics.executionCommands]: 12 },
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapGatewayError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [GatewayController],
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, ServerRegistryService, ExecutorService, ExecutionCommandHandler],
    };
  }
}
