import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { CreateApprovalTables1764201900000 } from './migrations/1764201900000-create-approval-tables';
import { ApprovalPolicyRow } from './policy/approval-policy.entity';
import { ApprovalRequestRow } from './requests/approval-request.entity';

/** The approval service's tables: its entities, and the migrations that create them (in order). */
export const APPROVAL_ENTITIES = [ApprovalPolicyRow, ApprovalRequestRow, ...messagingEntities];
export const APPROVAL_MIGRATIONS = [CreateMessagingTables1764201600000, CreateApprovalTables1764201900000];
