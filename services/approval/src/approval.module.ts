import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { CreateMessagingTables1764201600000, messagingEntities, MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { mapApprovalError } from './approval-errors';
import type { ApprovalConfig } from './config';
import { ApprovalController } from './grpc/approval.controller';
import { CreateApprovalTables1764201900000 } from './migrations/1764201900000-create-approval-tables';
import { ApprovalPolicyRow } from './policy/approval-policy.entity';
import { ApprovalRequestRow } from './requests/approval-request.entity';
import { OperationSubmittedHandler } from './requests/operation-submitted.handler';

@Module({})
export class ApprovalModule {
  static forRoot(config: ApprovalConfig): DynamicModule {
    return {
      module: ApprovalModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          entities: [ApprovalPolicyRow, ApprovalRequestRow, ...messagingEntities],
          migrations: [CreateMessagingTables1764201600000, CreateApprovalTables1764201900000],
          applicationName: 'tradewarden-approval',
        }),
        MessagingModule.forService({
          service: 'approval',
          brokers: config.kafka.brokers,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.approvalDecisions, Topics.accessEvents],
          consumers: [{ name: 'submissions', topics: [Topics.operationEvents], handler: OperationSubmittedHandler }],
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapApprovalError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [ApprovalController],
      providers: [
        OperationSubmittedHandler,
        {
          provide: AuthorizationClient,
          useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount),
        },
      ],
    };
  }
}
