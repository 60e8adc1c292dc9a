import { startSimulatorCluster } from './simulator';

const base = { host: '127.0.0.1', managers: [{ login: '1000', password: 'Manager-pass-1' }], maxConnections: 2 };

describe('startSimulatorCluster', () => {
  it.each([
    [
      'two main servers',
      [
        { id: 'a', port: 0, main: true },
        { id: 'b', port: 0, main: true },
      ],
      'exactly one main server',
    ],
    ['no main server', [{ id: 'a', port: 0, main: false }], 'exactly one main server'],
    [
      'a duplicate id',
      [
        { id: 'a', port: 0, main: true },
        { id: 'a', port: 0, main: false },
      ],
      'unique',
    ],
    [
      'more generated accounts than its range holds',
      [
        { id: 'a', port: 0, main: true, generatedAccounts: 11 },
        { id: 'b', port: 0, main: false, firstLogin: 600_011 },
      ],
      'do not fit',
    ],
  ])('refuses %s', async (_case, servers, message) => {
    await expect(startSimulatorCluster({ ...base, servers })).rejects.toThrow(message);
  });

  it('gives each server its own accounts and tickets but one configuration', async () => {
    const cluster = await startSimulatorCluster({
      ...base,
      servers: [
        { id: 'a', port: 0, main: true, generatedAccounts: 40 },
        { id: 'b', port: 0, main: false, generatedAccounts: 40 },
      ],
    });
    try {
      const [a, b] = [cluster.server('a').state, cluster.server('b').state];
      expect([...a.accounts.keys()].filter((login) => b.accounts.has(login))).toEqual([]);
      expect([...b.accounts.keys()]).toEqual(expect.arrayContaining([510001n, 510002n, 510003n, 650001n]));
      expect(a.deals.map((deal) => deal.deal).filter((ticket) => b.deals.some((other) => other.deal === ticket))).toEqual([]);
      expect(a.groups).toBe(b.groups);
      expect(a.symbols).toBe(b.symbols);
      expect(cluster.main.id).toBe('a');
      expect(cluster.server('b').role).toBe('trade');
    } finally {
      await cluster.stop();
    }
  });
});
