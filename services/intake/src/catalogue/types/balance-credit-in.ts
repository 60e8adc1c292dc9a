import { balanceMovementType } from './balance-movement';

export const balanceCreditIn = balanceMovementType({
  name: 'balance.credit_in',
  description: 'grant credit (MT5 deal "credit", MT4 OP_CREDIT)',
  params: (spec) => spec.balanceCreditIn,
  account: 'credit',
  direction: 'in',
});
