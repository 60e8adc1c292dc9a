import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { AuthorizationService } from './authorization/authorization.service';
import { GrantListingService } from './authorization/grant-listing.service';
import { PolicyStore } from './authorization/policy-store.service';
import type { IdentityConfig } from './config';
import { GrantChangesHandler } from './grant-changes/grant-changes.handler';
import { IdentityController } from './grpc/identity.controller';
import { mapIdentityError } from './identity-errors';
import { IDENTITY_ENTITIES, IDENTITY_MIGRATIONS } from './identity-schema';
import { RegistryEventsHandler } from './registry/registry-events.handler';

@Module({})
export class IdentityModule {
  static forRoot(config: IdentityConfig): DynamicModule {
    return {
      module: IdentityModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          migrationUrl: config.database.migrationUrl,
          entities: IDENTITY_ENTITIES,
          migrations: IDENTITY_MIGRATIONS,
          applicationName: 'tradewarden-identity',
        }),
        MessagingModule.forService({
          service: 'identity',
          brokers: config.kafka.brokers,
          security: config.kafka.security,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.accessEvents, Topics.executionResults],
          consumers: [
            // Server tags for grants scoped by tag: identity's own projection of the gateway's registry.
            { name: 'registry', topics: [Topics.registryEvents], handler: RegistryEventsHandler },
            // Approved grant.set / grant.revoke items (the approval service consumes the same topic in its own group).
            { name: 'grant-changes', topics: [Topics.platformChangeCommands], handler: GrantChangesHandler },
          ],
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapIdentityError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [IdentityController],
      providers: [PolicyStore, AuthorizationService, GrantListingService, RegistryEventsHandler, GrantChangesHandler, OutboxAccessDeniedRecorder],
    };
  }
}
