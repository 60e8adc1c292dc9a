import { CreateMessagingTables1764201600000, messagingEntities } from '@tradewarden/messaging';
import { CreateOperations1764202000000 } from './migrations/1764202000000-create-operations';
import { AddItemChange1764202500000 } from './migrations/1764202500000-add-item-change';
import { AddItemRevertAndWarnings1764202600000 } from './migrations/1764202600000-add-item-revert-and-warnings';
import { AddOperationOptionsTemplateReason1764202800000 } from './migrations/1764202800000-add-operation-options-template-reason';
import { AddItemDispatch1764202900000 } from './migrations/1764202900000-add-item-dispatch';
import { CreateTemplates1764203000000 } from './migrations/1764203000000-create-templates';
import { AddOperationReverts1764203100000 } from './migrations/1764203100000-add-operation-reverts';
import { AddOperationSchedule1764203200000 } from './migrations/1764203200000-add-operation-schedule';
import { OperationItemRow } from './persistence/operation-item.entity';
import { OperationRow } from './persistence/operation.entity';
import { TemplateRow } from './templates/template.entity';

/** The intake service's tables: its entities, and the migrations that create them (in order). */
export const INTAKE_ENTITIES = [OperationRow, OperationItemRow, TemplateRow, ...messagingEntities];
export const INTAKE_MIGRATIONS = [
  CreateMessagingTables1764201600000,
  CreateOperations1764202000000,
  AddItemChange1764202500000,
  AddItemRevertAndWarnings1764202600000,
  AddOperationOptionsTemplateReason1764202800000,
  AddItemDispatch1764202900000,
  CreateTemplates1764203000000,
  AddOperationReverts1764203100000,
  AddOperationSchedule1764203200000,
];
