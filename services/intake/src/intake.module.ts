import { Module, type DynamicModule } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DatabaseModule } from '@tradewarden/database';
import { GrpcPlatformModule } from '@tradewarden/grpc';
import { MessagingModule, OutboxAccessDeniedRecorder, Topics } from '@tradewarden/messaging';
import type { IntakeConfig } from './config';
import { ApprovalDecisionHandler } from './execution/approval-decision.handler';
import { ExecutionResultHandler } from './execution/execution-result.handler';
import { OperationOutcomeMetrics } from './execution/operation-outcome-metrics';
import { OperationTransitions } from './execution/operation-transitions';
import { IntakeController } from './grpc/intake.controller';
import { mapIntakeError } from './intake-errors';
import { BatchSubmissionService } from './batches/batch-submission.service';
import { OperationPlanner } from './catalogue/operation-planner';
import { RolloutService } from './execution/rollout.service';
import { OperationQueryService } from './queries/operation-query.service';
import { TemplateService } from './templates/template.service';
import { LiveStateClient } from './submission/live-state.client';
import { OPERATION_PLANNER, SubmissionService } from './submission/submission.service';
import { RevertService } from './submission/revert.service';
import { PlatformStateClient } from './submission/platform-state.client';
import { OperationScheduler } from './execution/operation-scheduler';
import { INTAKE_ENTITIES, INTAKE_MIGRATIONS } from './intake-schema';

@Module({})
export class IntakeModule {
  static forRoot(config: IntakeConfig): DynamicModule {
    return {
      module: IntakeModule,
      imports: [
        DatabaseModule.forService({
          url: config.database.url,
          schema: config.database.schema,
          migrationUrl: config.database.migrationUrl,
          entities: INTAKE_ENTITIES,
          migrations: INTAKE_MIGRATIONS,
          applicationName: 'tradewarden-intake',
        }),
        MessagingModule.forService({
          service: 'intake',
          brokers: config.kafka.brokers,
          security: config.kafka.security,
          topicPrefix: config.kafka.topicPrefix,
          produces: [Topics.operationEvents, Topics.executionCommands, Topics.platformChangeCommands, Topics.accessEvents, Topics.templateEvents],
          consumers: [
            { name: 'approval-decisions', topics: [Topics.approvalDecisions], handler: ApprovalDecisionHandler },
            { name: 'execution-results', topics: [Topics.executionResults], handler: ExecutionResultHandler },
          ],
          partitions: { [Topics.executionCommands]: 12 },
        }),
        GrpcPlatformModule.forService({ keycloak: config.keycloak, errorMapper: mapIntakeError, accessDeniedRecorder: OutboxAccessDeniedRecorder }),
      ],
      controllers: [IntakeController],
      providers: [
        SubmissionService,
        RevertService,
        BatchSubmissionService,
        OperationQueryService,
        TemplateService,
        OperationTransitions,
        OperationOutcomeMetrics,
        ApprovalDecisionHandler,
        ExecutionResultHandler,
        RolloutService,
        OperationScheduler,
        { provide: AuthorizationClient, useFactory: () => new AuthorizationClient(config.identityAddress, config.keycloak, config.serviceAccount) },
        { provide: LiveStateClient, useFactory: () => new LiveStateClient(config.gatewayAddress, config.keycloak, config.serviceAccount) },
        {
          provide: PlatformStateClient,
          useFactory: () => new PlatformStateClient({ identity: config.identityAddress, approval: config.approvalAddress }, config.keycloak, config.serviceAccount),
        },
        {
          provide: OPERATION_PLANNER,
          useFactory: (liveState: LiveStateClient, platformState: PlatformStateClient) => new OperationPlanner(liveState, config.catalogue, platformState),
          inject: [LiveStateClient, PlatformStateClient],
        },
      ],
    };
  }
}
