import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { mapApprovalError } from './approval-errors';
import type { ApprovalConfig } from './config';
import { ApprovalController } from './grpc/approval.controller';
import { ApprovalDecisionService } from './requests/approval-decision.service';
import { OperationCancelledHandler, OperationEventsHandler } from './requests/operation-cancelled.handler';
import { OperationSubmittedHandler } from './requests/operation-submitted.handler';
import { APPROVAL_ENTITIES, APPROVAL_MIGRATIONS } from './approval-schema';

@Module({})
export class ApprovalModule {
  static forRoot(config: ApprovalConfig): DynamicModule {
    return {
      module: ApprovalModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          entities: APPROVAL_ENTITIES,
          migrations: APPROVAL_MIGRATIONS,
          applicationName: 'tradewarden-approval',
        }),
        MessagingModule.forService({
          service: 'approval',
          brokers: config.kafka.brokers,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.approvalDecisions, Topics.accessEvents],
          consumers: [{ name: 'submissions', topics: [Topics.operationEvents], handler: OperationEventsHandler }],
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapApprovalError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [ApprovalController],
      providers: [
        OperationSubmittedHandler,
        OperationCancelledHandler,
        OperationEventsHandler,
        ApprovalDecisionService,
        {
          provide: AuthorizationClient,
          useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount),
        },
      ],
    };
  }
}
