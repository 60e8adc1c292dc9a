import { balanceMovementType } from './balance-movement';

export const balanceDeposit = balanceMovementType({
  name: 'balance.deposit',
  description: 'credit money to the account balance (MT5 deal "balance", MT4 OP_BALANCE)',
  params: (spec) => spec.balanceDeposit,
  account: 'balance',
  direction: 'in',
});
