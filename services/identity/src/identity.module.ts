import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { CreateMessagingTables1764201600000, messagingEntities, MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { AuthorizationService } from './authorization/authorization.service';
import { GrantRow } from './authorization/grant.entity';
import type { IdentityConfig } from './config';
import { IdentityController } from './grpc/identity.controller';
import { mapIdentityError } from './identity-errors';
import { CreateGrants1764201700000 } from './migrations/1764201700000-create-grants';

@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          entities: [GrantRow, ...messagingEntities],
          migrations: [CreateMessagingTables1764201600000, CreateGrants1764201700000],
          applicationName: 'tradewarden-identity',
        }),
        MessagingModule.forService({
          service: 'identity',
          brokers: config.kafka.brokers,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.accessEvents],
          consumers: [],
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapIdentityError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [IdentityController],
      providers: [AuthorizationService],
    };
  }
}
