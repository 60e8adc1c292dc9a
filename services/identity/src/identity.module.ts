import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { AuthorizationService } from './authorization/authorization.service';
import type { IdentityConfig } from './config';
import { IdentityController } from './grpc/identity.controller';
import { mapIdentityError } from './identity-errors';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from './identity-schema';

@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          entities: IDENTITY_ENTITIES,
          migrations: IDENTITY_MIGRATIONS,
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
      providers: [AuthorizationService, OutboxAccessDeniedRecorder],
    };
  }
}
