import { balanceMovementType } from './balance-movement';

export const balanceWithdrawal = balanceMovementType({
  name: 'balance.withdrawal',
  description: 'take money from the account balance; not above the balance nor the free margin',
  params: (spec) => spec.balanceWithdrawal,
  account: 'balance',
  direction: 'out',
});
