import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { CreateAuditRecords1764202100000 } from './migrations/1764202100000-create-audit-records';
import { AuditCheckpointRow } from './chain/checkpoint.entity';
import { CreateAuditCheckpoints1764203400000 } from './migrations/1764203400000-create-audit-checkpoints';
import { AddAuditRecordAccounts1764204000000 } from './migrations/1764204000000-add-audit-record-accounts';
import { AuditRecordRow } from './recording/audit-record.entity';

/** The audit service's tables: its entities, and the migrations that create them (in order). */
export const AUDIT_ENTITIES = [AuditRecordRow, AuditCheckpointRow, ...messagingEntities];
export const AUDIT_MIGRATIONS = [CreateMessagingTables1764201600000, CreateAuditRecords1764202100000, CreateAuditCheckpoints1764203400000, AddAuditRecordAccounts1764204000000];

/** What the service's own database role may only read and append to (its migrations' owner grants the rest). */
export const AUDIT_APPEND_ONLY_TABLES = ['audit_records', 'audit_checkpoints'];
