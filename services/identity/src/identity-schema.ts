import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { GrantLimitRow } from './authorization/grant-limit.entity';
import { GrantRow } from './authorization/grant.entity';
import { CreateGrants1764201700000 } from './migrations/1764201700000-create-grants';
import { GrantConfigurationAndTradeRecords1764202700000 } from './migrations/1764202700000-grant-configuration-and-trade-records';
import { GrantTemplates1764203000000 } from './migrations/1764203000000-grant-templates';
import { GrantRevertsAndOrders1764203100000 } from './migrations/1764203100000-grant-reverts-and-orders';
import { AddGrantScopesAndLimits1764300000000 } from './migrations/1764300000000-add-grant-scopes-and-limits';
import { CreateServerTags1764300100000 } from './migrations/1764300100000-create-server-tags';
import { ScopeDemoGrants1764300200000 } from './migrations/1764300200000-scope-demo-grants';
import { GrantPlatformChanges1764300300000 } from './migrations/1764300300000-grant-platform-changes';
import { ServerTagsRow } from './registry/server-tags.entity';

/** The identity service's tables: its entities, and the migrations that create them (in order). */
export const IDENTITY_ENTITIES = [GrantRow, GrantLimitRow, ServerTagsRow, ...messagingEntities];
export const IDENTITY_MIGRATIONS = [
  CreateMessagingTables1764201600000,
  CreateGrants1764201700000,
  GrantConfigurationAndTradeRecords1764202700000,
  GrantTemplates1764203000000,
  GrantRevertsAndOrders1764203100000,
  AddGrantScopesAndLimits1764300000000,
  CreateServerTags1764300100000,
  ScopeDemoGrants1764300200000,
  GrantPlatformChanges1764300300000,
];
