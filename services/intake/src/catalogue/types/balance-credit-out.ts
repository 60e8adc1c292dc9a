import { balanceMovementType } from './balance-movement';

export const balanceCreditOut = balanceMovementType({
  name: 'balance.credit_out',
  description: 'take back credit; not above the credit the account has',
  params: (spec) => spec.balanceCreditOut,
  account: 'credit',
  direction: 'out',
});
