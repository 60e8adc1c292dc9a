import type { operationV1 } from '@tradewarden/proto';
import type { OperationType } from './operation-type';
import { accountChangeGroup } from './types/account-change-group';
import { approvalPolicyDelete } from './types/approval-policy-delete';
import { approvalPolicySet } from './types/approval-policy-set';
import { grantRevoke } from './types/grant-revoke';
import { grantSet } from './types/grant-set';
import { accountCreate } from './types/account-create';
import { accountResetPassword } from './types/account-reset-password';
import { accountSetLeverage } from './types/account-set-leverage';
import { accountSetTrading } from './types/account-set-trading';
import { accountUpdateProfile } from './types/account-update-profile';
import { balanceCreditIn } from './types/balance-credit-in';
import { balanceCreditOut } from './types/balance-credit-out';
import { balanceDeposit } from './types/balance-deposit';
import { balanceWithdrawal } from './types/balance-withdrawal';
import { groupSetMarginLevels } from './types/group-set-margin-levels';
import { groupSetPermissions } from './types/group-set-permissions';
import { groupSetSymbols } from './types/group-set-symbols';
import { orderModifyStops } from './types/order-modify-stops';
import { positionCorrectPrice } from './types/position-correct-price';
import { positionModifyStops } from './types/position-modify-stops';
import { symbolSetExecution } from './types/symbol-set-execution';
import { symbolSetSessions } from './types/symbol-set-sessions';
import { symbolSetSpread } from './types/symbol-set-spread';
import { symbolSetSwaps } from './types/symbol-set-swaps';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry is typed by its own params message
type AnyOperationType = OperationType<any>;

/** Every operation type Tradewarden accepts, by name. Adding a type: its file under types/, one line here, its tests. */
export const CATALOGUE: ReadonlyMap<string, AnyOperationType> = new Map(
  [
    balanceDeposit,
    balanceWithdrawal,
    balanceCreditIn,
    balanceCreditOut,
    accountCreate,
    accountUpdateProfile,
    accountSetLeverage,
    accountChangeGroup,
    accountResetPassword,
    accountSetTrading,
    groupSetMarginLevels,
    groupSetPermissions,
    groupSetSymbols,
    symbolSetExecution,
    symbolSetSpread,
    symbolSetSwaps,
    symbolSetSessions,
    positionModifyStops,
    positionCorrectPrice,
    orderModifyStops,
    grantSet,
    grantRevoke,
    approvalPolicySet,
    approvalPolicyDelete,
  ].map((type: AnyOperationType) => [type.name, type]),
);

/** The params field an item of this spec carries (its oneof case), in snake_case, or undefined when none. */
export function paramsCaseOf(spec: operationV1.OperationItemSpec): string | undefined {
  const key = (Object.keys(spec) as (keyof operationV1.OperationItemSpec)[]).find((candidate) => candidate !== 'serverId' && spec[candidate] !== undefined);
  return key?.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
