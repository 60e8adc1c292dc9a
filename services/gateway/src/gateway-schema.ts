import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { ExecutionItemRow } from './execution/execution-item.entity';
import { IssuedCredentialRow } from './execution/issued-credential.entity';
import { CreateRegistryAndLedger1764201800000 } from './migrations/1764201800000-create-registry-and-ledger';
import { AddConnectionSettings1764202200000 } from './migrations/1764202200000-add-connection-settings';
import { AddServerEnabled1764202300000 } from './migrations/1764202300000-add-server-enabled';
import { AddExecutionOrder1764202400000 } from './migrations/1764202400000-add-execution-order';
import { AddRejectedStatus1764202500000 } from './migrations/1764202500000-add-rejected-status';
import { CreateIssuedCredentials1764202600000 } from './migrations/1764202600000-create-issued-credentials';
import { AddExecutionPartition1764202700000 } from './migrations/1764202700000-add-execution-partition';
import { MtServerRow } from './registry/mt-server.entity';

/** The gateway service's tables: its entities, and the migrations that create them (in order). */
export const GATEWAY_ENTITIES = [MtServerRow, ExecutionItemRow, IssuedCredentialRow, ...messagingEntities];
export const GATEWAY_MIGRATIONS = [CreateMessagingTables1764201600000, CreateRegistryAndLedger1764201800000, AddConnectionSettings1764202200000, AddServerEnabled1764202300000, AddExecutionOrder1764202400000, AddRejectedStatus1764202500000, CreateIssuedCredentials1764202600000, AddExecutionPartition1764202700000];
