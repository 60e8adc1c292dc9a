import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { CreateApprovalTables1764201900000 } from './migrations/1764201900000-create-approval-tables';
import { CreateApprovalDecisions1764202700000 } from './migrations/1764202700000-create-approval-decisions';
import { CreatePlanPages1764202900000 } from './migrations/1764202900000-create-plan-pages';
import { ApprovalWorkflow1764203100000 } from './migrations/1764203100000-approval-workflow';
import { PlatformChangePolicies1764203200000 } from './migrations/1764203200000-platform-change-policies';
import { PolicyServerTags1764203300000 } from './migrations/1764203300000-policy-server-tags';
import { ServerTagsRow } from './registry/server-tags.entity';
import { ApprovalDelegationRow } from './delegation/approval-delegation.entity';
import { ApprovalPolicyRow } from './policy/approval-policy.entity';
import { ApprovalDecisionRow } from './requests/approval-decision.entity';
import { ApprovalRequestRow } from './requests/approval-request.entity';
import { PlanPageRow } from './requests/plan-page.entity';

/** The approval service's tables: its entities, and the migrations that create them (in order). */
export const APPROVAL_ENTITIES = [ApprovalPolicyRow, ApprovalRequestRow, ApprovalDecisionRow, PlanPageRow, ApprovalDelegationRow, ServerTagsRow, ...messagingEntities];
export const APPROVAL_MIGRATIONS = [CreateMessagingTables1764201600000, CreateApprovalTables1764201900000, CreateApprovalDecisions1764202700000, CreatePlanPages1764202900000, ApprovalWorkflow1764203100000, PlatformChangePolicies1764203200000, PolicyServerTags1764203300000];
