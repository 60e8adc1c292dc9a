import { gatewayV1 } from '@tradewarden/proto';
import type { LiveStateClient } from '../submission/live-state.client';
import { readLiveView } from './live-reads';

/** A gateway client that records what it was asked and answers from fixed data. */
function recordingClient() {
  const calls: string[] = [];
  const account = (login: string, withMargin: boolean) =>
    gatewayV1.Account.fromPartial({ login, balance: { amount: '10.00', currency: 'USD' }, marginFree: withMargin ? { amount: '7.00', currency: 'USD' } : undefined });
  const client = {
    accounts: (_serverId: string, logins: readonly string[], includeMargin: boolean) => {
      calls.push(`accounts ${logins.join(',')}${includeMargin ? ' with margin' : ''}`);
      return Promise.resolve(new Map(logins.map((login) => [login, account(login, includeMargin)])));
    },
    orders: (_serverId: string, login: string) => {
      calls.push(`orders ${login}`);
      return Promise.resolve(login === '2' ? [gatewayV1.Order.fromPartial({ order: '80', login, symbol: 'XAUUSD', type: 3 })] : undefined);
    },
    symbols: (_serverId: string, mask: string) => {
      calls.push(`symbols ${mask}`);
      return Promise.resolve([gatewayV1.Symbol.fromPartial({ symbol: mask, digits: 2 })]);
    },
  };
  return { client: client as unknown as LiveStateClient, calls };
}

describe('readLiveView', () => {
  it('asks for free margin only for the accounts whose rules use it, reading each login once', async () => {
    const { client, calls } = recordingClient();
    const live = await readLiveView(client, 'mt5-demo-1', 'mt5', [
      { kind: 'account', login: '1' },
      { kind: 'account-with-margin', login: '2' },
      { kind: 'account', login: '2' },
      { kind: 'account', login: '3' },
    ]);
    expect(calls).toEqual(['accounts 1,3', 'accounts 2 with margin']);
    expect(live.account('1')?.marginFree).toBeUndefined();
    expect(live.account('2')?.marginFree?.amount).toBe('7.00');
  });

  it('makes no account call when only plain or only margin reads are wanted', async () => {
    const { client, calls } = recordingClient();
    await readLiveView(client, 'mt5-demo-1', 'mt5', [{ kind: 'account', login: '1' }]);
    await readLiveView(client, 'mt5-demo-1', 'mt5', [{ kind: 'account-with-margin', login: '1' }]);
    expect(calls).toEqual(['accounts 1', 'accounts 1 with margin']);
  });

  it('reads the orders of each account once, the accounts in one batch (for their groups), and the symbols they trade for their digits', async () => {
    const { client, calls } = recordingClient();
    const live = await readLiveView(client, 'mt5-demo-1', 'mt5', [
      { kind: 'orders', login: '2' },
      { kind: 'orders', login: '2' },
      { kind: 'orders', login: '4' },
    ]);
    expect(calls).toEqual(['accounts 2,4', 'orders 2', 'orders 4', 'symbols XAUUSD']);
    expect(live.order('2', '80')?.type).toBe(3);
    expect(live.order('4', '80')).toBeUndefined();
    expect(live.symbol('XAUUSD')?.digits).toBe(2);
  });
});
