import { operationV1 } from '@tradewarden/proto';
import type { ItemOutcome } from '../catalogue/operation-planner';
import { authorizedItemsOf } from './item-authorization';

const planned = (spec: Partial<operationV1.OperationItemSpec>, before: Record<string, string>, change: operationV1.MtChange, money?: ItemOutcome['moneyMoved']): ItemOutcome => ({
  rowNumber: 1,
  spec: operationV1.OperationItemSpec.fromPartial({ serverId: 'mt5-live-1', ...spec }),
  errors: [],
  warnings: [],
  planned: { before, after: before, change, revert: undefined, warnings: [] },
  ...(money ? { moneyMoved: money } : {}),
});

describe('authorizedItemsOf', () => {
  it('checks a balance item with its account group and the money it moves, as a positive amount', () => {
    const withdrawal = planned({}, { login: '1', group: 'real\\usd' }, { balance: { login: '1', dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: '-50.00', currency: 'USD' } }, {
      direction: 'out',
      money: { amount: '-50.00', currency: 'USD' },
    });
    expect(authorizedItemsOf(withdrawal)).toEqual([{ serverId: 'mt5-live-1', group: 'real\\usd', amount: { amount: '50.00', currency: 'USD' } }]);
  });

  it('checks a group change on the group changed, and a symbol change on no group', () => {
    expect(authorizedItemsOf(planned({}, { margin_call: '100' }, { groupUpdate: { group: 'real\\pro', set: { margin_call: '90' } } }))).toEqual([{ serverId: 'mt5-live-1', group: 'real\\pro' }]);
    expect(authorizedItemsOf(planned({}, { spread: '10' }, { symbolUpdate: { symbol: 'EURUSD', set: { spread: '12' } } }))).toEqual([{ serverId: 'mt5-live-1' }]);
  });

  it('checks an account opening on the group it opens in', () => {
    expect(authorizedItemsOf(planned({}, {}, { accountCreate: { login: '0', set: { group: 'demo\\standard', name: 'A' } } }))).toEqual([{ serverId: 'mt5-live-1', group: 'demo\\standard' }]);
  });

  it('checks an account moved to another group in both groups', () => {
    expect(authorizedItemsOf(planned({}, { login: '1', group: 'real\\usd' }, { accountUpdate: { login: '1', set: { group: 'staff\\usd' } } }))).toEqual([
      { serverId: 'mt5-live-1', group: 'real\\usd' },
      { serverId: 'mt5-live-1', group: 'staff\\usd' },
    ]);
    expect(authorizedItemsOf(planned({}, { login: '1', group: 'real\\usd' }, { accountUpdate: { login: '1', set: { leverage: '100' } } }))).toEqual([{ serverId: 'mt5-live-1', group: 'real\\usd' }]);
  });
});
