import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { ServiceRoleOnly } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { GatewayError } from '../gateway-errors';
import type { MtAccountState } from '../mt/mt-connector';
import { ServerRegistryService } from '../registry/server-registry.service';

const LOGIN = /^\d{1,20}$/;
const MAX_LOGINS_PER_CALL = 1000;
const MAX_PAGE_SIZE = 10_000;

function toAccount(serverId: string, account: MtAccountState): gatewayV1.Account {
  return {
    serverId,
    login: account.login,
    group: account.group,
    name: account.name,
    leverage: account.leverage,
    balance: { amount: account.balance.format(account.currencyDigits), currency: account.currency },
    credit: { amount: account.credit.format(account.currencyDigits), currency: account.currency },
  };
}

function requireLogin(login: string, field = 'login'): void {
  if (!LOGIN.test(login)) throw new GatewayError('INVALID_ARGUMENT', `${field}: must be an MT login (digits)`);
}

/**
 * Live reads of MT servers for validation, previews and ops UIs. Account, group, symbol and position data is personal
 * or commercially sensitive: only Tradewarden's services read it here, on behalf of callers they authorized.
 */
@Controller()
@gatewayV1.GatewayServiceControllerMethods()
export class GatewayController implements gatewayV1.GatewayServiceController {
  constructor(private readonly registry: ServerRegistryService) {}

  @ServiceRoleOnly()
  async getAccount(request: gatewayV1.GetAccountRequest, _metadata?: Metadata): Promise<gatewayV1.GetAccountResponse> {
    requireLogin(request.login);
    const connector = await this.registry.connector(request.serverId);
    return { account: toAccount(request.serverId, await connector.getAccount(request.login)) };
  }

  @ServiceRoleOnly()
  async getAccounts(request: gatewayV1.GetAccountsRequest, _metadata?: Metadata): Promise<gatewayV1.GetAccountsResponse> {
    if (request.logins.length > MAX_LOGINS_PER_CALL) throw new GatewayError('INVALID_ARGUMENT', `logins: at most ${MAX_LOGINS_PER_CALL} per call`);
    request.logins.forEach((login, index) => requireLogin(login, `logins[${index}]`));
    const connector = await this.registry.connector(request.serverId);
    const accounts = await connector.getAccounts([...new Set(request.logins)]);
    const found = new Set(accounts.map((account) => account.login));
    return {
      accounts: accounts.map((account) => toAccount(request.serverId, account)),
      missingLogins: request.logins.filter((login) => !found.has(login)),
    };
  }

  @ServiceRoleOnly()
  async findAccounts(request: gatewayV1.FindAccountsRequest, _metadata?: Metadata): Promise<gatewayV1.FindAccountsResponse> {
    if (!request.groupMask) throw new GatewayError('INVALID_ARGUMENT', 'group_mask: required (e.g. "real\\*")');
    const pageSize = request.pageSize === 0 ? 1000 : request.pageSize;
    if (pageSize < 1 || pageSize > MAX_PAGE_SIZE) throw new GatewayError('INVALID_ARGUMENT', `page_size: 1-${MAX_PAGE_SIZE}`);
    if (request.pageToken) requireLogin(request.pageToken, 'page_token');
    const connector = await this.registry.connector(request.serverId);
    // Logins sort numerically; the page token is the last login of the previous page.
    const after = request.pageToken ? BigInt(request.pageToken) : -1n;
    const logins = (await connector.findLogins(request.groupMask))
      .map((login) => BigInt(login))
      .filter((login) => login > after)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const page = logins.slice(0, pageSize).map(String);
    return { logins: page, nextPageToken: logins.length > pageSize ? page.at(-1)! : '' };
  }

  @ServiceRoleOnly()
  async getGroup(request: gatewayV1.GetGroupRequest, _metadata?: Metadata): Promise<gatewayV1.GetGroupResponse> {
    if (!request.group) throw new GatewayError('INVALID_ARGUMENT', 'group: required');
    const connector = await this.registry.connector(request.serverId);
    return { group: await connector.getGroup(request.group) };
  }

  @ServiceRoleOnly()
  async getSymbols(request: gatewayV1.GetSymbolsRequest, _metadata?: Metadata): Promise<gatewayV1.GetSymbolsResponse> {
    if (!request.mask) throw new GatewayError('INVALID_ARGUMENT', 'mask: required (a symbol name or a pattern such as "Forex\\*")');
    const connector = await this.registry.connector(request.serverId);
    const symbols = await connector.getSymbols(request.mask);
    const days = (sessions: { open: number; close: number }[][]) =>
      sessions.map((day) => ({ sessions: day.map((session) => ({ openMinute: session.open, closeMinute: session.close })) }));
    return {
      symbols: symbols.map((symbol) => ({
        symbol: symbol.symbol,
        path: symbol.path,
        description: symbol.description,
        digits: symbol.digits,
        contractSize: symbol.contractSize,
        spread: symbol.spread,
        tradeMode: symbol.tradeMode,
        execMode: symbol.execMode,
        swapMode: symbol.swapMode,
        swapLong: symbol.swapLong,
        swapShort: symbol.swapShort,
        tripleSwapDay: symbol.swap3Day,
        sessionsQuotes: days(symbol.sessionsQuotes),
        sessionsTrades: days(symbol.sessionsTrades),
      })),
    };
  }

  @ServiceRoleOnly()
  async getPositions(request: gatewayV1.GetPositionsRequest, _metadata?: Metadata): Promise<gatewayV1.GetPositionsResponse> {
    requireLogin(request.login);
    const connector = await this.registry.connector(request.serverId);
    const positions = await connector.getPositions(request.login);
    return {
      positions: positions.map(({ priceSL, priceTP, volume, ...position }) => ({ ...position, priceSl: priceSL, priceTp: priceTP, volume: volume.toString() })),
    };
  }

  async listServers(_request: gatewayV1.ListServersRequest, _metadata?: Metadata): Promise<gatewayV1.ListServersResponse> {
    const servers = await this.registry.list();
    return { servers: servers.map((server) => ({ serverId: server.id, platform: server.platform, address: server.address, tags: server.tags })) };
  }

  async getServerHealth(request: gatewayV1.GetServerHealthRequest, _metadata?: Metadata): Promise<gatewayV1.GetServerHealthResponse> {
    if (request.serverId) await this.registry.connector(request.serverId);
    const stats = this.registry.poolStats().filter((pool) => !request.serverId || pool.serverId === request.serverId);
    return {
      servers: stats.map((pool) => ({
        serverId: pool.serverId,
        breaker: pool.breaker,
        maxConnections: pool.max,
        openConnections: pool.open,
        inUse: pool.inUse,
        idle: pool.idle,
        waiting: pool.waiting,
        requests: String(pool.requests),
        errors: String(pool.errors),
        reconnects: String(pool.reconnects),
        latencyMeanMs: pool.latencyMs.mean,
        latencyP99Ms: pool.latencyMs.p99,
      })),
    };
  }
}
