import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import { mapApprovalError } from './approval-errors';
import type { ApprovalConfig } from './config';
import { APPROVAL_SETTINGS } from './approval-settings';
import { ApprovalAuthorityService } from './delegation/approval-authority';
import { DelegationService } from './delegation/delegation.service';
import { ApprovalController } from './grpc/approval.controller';
import { PolicyChangesHandler } from './policy-changes/policy-changes.handler';
import { ExpirySweeper } from './requests/expiry-sweeper';
import { PendingRequestsService } from './requests/pending-requests.service';
import { RegistryEventsHandler } from './registry/registry-events.handler';
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
          migrationUrl: config.database.migrationUrl,
          entities: APPROVAL_ENTITIES,
          migrations: APPROVAL_MIGRATIONS,
          applicationName: 'tradewarden-approval',
        }),
        MessagingModule.forService({
          service: 'approval',
          brokers: config.kafka.brokers,
          security: config.kafka.security,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.approvalDecisions, Topics.accessEvents, Topics.delegationEvents, Topics.executionResults],
          consumers: [
            { name: 'submissions', topics: [Topics.operationEvents], handler: OperationEventsHandler },
            // Approved approval_policy.set / approval_policy.delete items (identity consumes the same topic in its own group).
            { name: 'policy-changes', topics: [Topics.platformChangeCommands], handler: PolicyChangesHandler },
            // The servers' tags, for policies scoped by tag.
            { name: 'registry', topics: [Topics.registryEvents], handler: RegistryEventsHandler },
          ],
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapApprovalError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [ApprovalController],
      providers: [
        OperationSubmittedHandler,
        OperationCancelledHandler,
        OperationEventsHandler,
        PolicyChangesHandler,
        ApprovalDecisionService,
        ApprovalAuthorityService,
        PendingRequestsService,
        DelegationService,
        ExpirySweeper,
        RegistryEventsHandler,
        { provide: APPROVAL_SETTINGS, useValue: config.workflow },
        {
          provide: AuthorizationClient,
          useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount),
        },
      ],
    };
  }
}
