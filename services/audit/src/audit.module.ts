import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { mapAuditError } from './audit-errors';
import type { AuditConfig } from './config';
import { checkpointKeyFromPem } from '@tradewarden/audit-chain';
import { Checkpointer, CHECKPOINT_SETTINGS, type CheckpointSettings } from './chain/checkpointer.service';
import { AuditController } from './grpc/audit.controller';
import { AuditEventHandler } from './recording/audit-event.handler';
import { AuditTrailService } from './trail/audit-trail.service';
import { AUDIT_APPEND_ONLY_TABLES, AUDIT_ENTITIES, AUDIT_MIGRATIONS } from './audit-schema';

@Module({})
export class AuditModule {
  static forRoot(config: AuditConfig): DynamicModule {
    return {
      module: AuditModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          migrationUrl: config.database.migrationUrl,
          appendOnlyTables: AUDIT_APPEND_ONLY_TABLES,
          entities: AUDIT_ENTITIES,
          migrations: AUDIT_MIGRATIONS,
          applicationName: 'tradewarden-audit',
        }),
        MessagingModule.forService({
          service: 'audit',
          brokers: config.kafka.brokers,
          security: config.kafka.security,
          topicPrefix: config.kafka.topicPrefix,
          // Its own denials go to the access topic like everyone's, and come back to it as records; every record goes
          // out on the compliance stream.
          produces: [Topics.accessEvents, Topics.complianceRecords, Topics.complianceRecordsJson],
          consumers: [
            {
              name: 'trail',
              topics: [Topics.operationEvents, Topics.approvalDecisions, Topics.executionCommands, Topics.executionResults, Topics.accessEvents, Topics.registryEvents, Topics.templateEvents, Topics.delegationEvents, Topics.platformChangeCommands],
              handler: AuditEventHandler,
            },
          ],
          partitions: { [Topics.executionCommands]: 12 },
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapAuditError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [AuditController],
      providers: [
        AuditEventHandler,
        AuditTrailService,
        Checkpointer,
        {
          provide: CHECKPOINT_SETTINGS,
          useFactory: (): CheckpointSettings => ({ key: checkpointKeyFromPem(config.checkpoints.keyPem), everyRecords: config.checkpoints.everyRecords, everySeconds: config.checkpoints.everySeconds }),
        },
        { provide: AuthorizationClient, useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount) },
      ],
    };
  }
}
