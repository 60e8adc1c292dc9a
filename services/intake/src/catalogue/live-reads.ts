import type { catalogueV1, gatewayV1, identityV1 } from '@tradewarden/proto';
import type { LiveStateClient } from '../submission/live-state.client';
import type { PlatformStateClient } from '../submission/platform-state.client';
import type { LiveTarget, LiveView } from './operation-type';

/**
 * Reads what the items of one server need, in as few gateway calls as the Web API allows: accounts in batches (with
 * free margin only for the accounts whose rules use it), each group and symbol once, positions and orders per account
 * (and then the symbols they trade, for their digits).
 */
export async function readLiveView(
  client: LiveStateClient,
  serverId: string,
  platform: 'mt5' | 'mt4',
  targets: readonly LiveTarget[],
  platformState?: PlatformStateClient,
): Promise<LiveView> {
  const logins = new Set<string>();
  const groups = new Set<string>();
  const symbolNames = new Set<string>();
  const marginLogins = new Set<string>();
  const positionLogins = new Set<string>();
  const orderLogins = new Set<string>();
  let allSymbols = false;
  let grants: identityV1.GrantRecord[] = [];
  let policies: catalogueV1.ApprovalPolicyParams[] = [];
  for (const target of targets) {
    switch (target.kind) {
      case 'account':
        logins.add(target.login);
        break;
      case 'account-with-margin':
        marginLogins.add(target.login);
        break;
      case 'group':
        groups.add(target.group);
        break;
      case 'symbol':
        symbolNames.add(target.symbol);
        break;
      case 'all-symbols':
        allSymbols = true;
        break;
      // The account too: its group is what an agent's grant is scoped to (read in the same batch as the others).
      case 'positions':
        positionLogins.add(target.login);
        logins.add(target.login);
        break;
      case 'orders':
        orderLogins.add(target.login);
        logins.add(target.login);
        break;
      case 'grants':
      case 'policies':
        break;
    }
  }
  // Tradewarden's own configuration, once per request whatever the number of items.
  if (platformState && targets.some((target) => target.kind === 'grants')) grants = await platformState.grants();
  if (platformState && targets.some((target) => target.kind === 'policies')) policies = await platformState.policies();
  const plainLogins = [...logins].filter((login) => !marginLogins.has(login));
  const accounts = new Map<string, gatewayV1.Account>([
    ...(plainLogins.length > 0 ? await client.accounts(serverId, plainLogins, false) : []),
    ...(marginLogins.size > 0 ? await client.accounts(serverId, [...marginLogins], true) : []),
  ]);
  const groupRecords = new Map<string, gatewayV1.Group>();
  for (const group of groups) {
    const found = await client.group(serverId, group);
    if (found) groupRecords.set(group, found);
  }
  const positions = new Map<string, gatewayV1.Position>();
  for (const login of positionLogins) {
    for (const position of (await client.positions(serverId, login)) ?? []) {
      positions.set(`${login}/${position.position}`, position);
      symbolNames.add(position.symbol);
    }
  }
  const orders = new Map<string, gatewayV1.Order>();
  for (const login of orderLogins) {
    for (const order of (await client.orders(serverId, login)) ?? []) {
      orders.set(`${login}/${order.order}`, order);
      symbolNames.add(order.symbol);
    }
  }
  const symbols = new Map<string, gatewayV1.Symbol>();
  const everySymbol = allSymbols ? await client.symbols(serverId, '*') : [];
  for (const symbol of everySymbol) symbols.set(symbol.symbol, symbol);
  for (const name of symbolNames) {
    if (symbols.has(name)) continue;
    const found = (await client.symbols(serverId, name)).find((symbol) => symbol.symbol === name);
    if (found) symbols.set(name, found);
  }
  return {
    serverId,
    platform,
    account: (login) => accounts.get(login),
    group: (group) => groupRecords.get(group),
    symbol: (symbol) => symbols.get(symbol),
    allSymbols: () => everySymbol,
    position: (login, position) => positions.get(`${login}/${position}`),
    order: (login, order) => orders.get(`${login}/${order}`),
    grants: () => grants,
    policies: () => policies,
  };
}
