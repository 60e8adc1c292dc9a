import { accountsNamedIn } from './accounts-named';

describe('accountsNamedIn', () => {
  it('collects every login at any depth, once each, in order', () => {
    const details = {
      operationId: 'op-1',
      plan: { items: [{ spec: { serverId: 'mt5', balanceDeposit: { login: '500002' } } }, { spec: { balanceDeposit: { login: '500001' } } }, { spec: { balanceDeposit: { login: '500002' } } }] },
      target: { login: 7 },
    };
    expect(accountsNamedIn(details)).toEqual(['500001', '500002', '7']);
  });

  it('ignores empty and zero logins and members that only resemble a login', () => {
    expect(accountsNamedIn({ login: '', other: { login: '0' }, managerLogin: '1000', logins: ['5'], loginCount: 3 })).toEqual([]);
  });

  it('names nothing for details without accounts', () => {
    expect(accountsNamedIn({})).toEqual([]);
    expect(accountsNamedIn(null)).toEqual([]);
    expect(accountsNamedIn('500001')).toEqual([]);
  });

  it('does not take a login object for a login', () => {
    expect(accountsNamedIn({ login: { login: '42' } })).toEqual(['42']);
  });
});
