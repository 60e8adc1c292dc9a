import type { Metadata } from '@grpc/grpc-js';
import { Controller, UseInterceptors } from '@nestjs/common';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { callerOf, ServiceRoleOnly } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { CredentialVault } from '../execution/credential-vault.service';
import { GatewayError } from '../gateway-errors';
import { ReadForwardingInterceptor } from '../reads/read-forwarding.interceptor';
import { toAccount, toGroup, toOrder, toPosition, toSymbol } from '../mt/gateway-records';
import type { MtServerRow } from '../registry/mt-server.entity';
import { serverEntrySchema } from '../registry/server-config';
import { ServerRegistryService } from '../registry/server-registry.service';

const REGISTRY = 'registry.server';

function toServerInfo(server: MtServerRow): gatewayV1.ServerInfo {
  return { serverId: server.id, platform: server.platform, address: server.address, tags: server.tags, enabled: server.enabled, maxConnections: server.maxConnections };
}

/** A registry entry from the API, validated exactly like one from configuration; field errors name server.<field>. */
function toEntry(spec: gatewayV1.ServerSpec | undefined) {
  if (!spec) throw new GatewayError('INVALID_ARGUMENT', 'server: required');
  const orDefault = (value: number) => (value === 0 ? undefined : value);
  const parsed = serverEntrySchema.safeParse({
    id: spec.serverId,
    platform: spec.platform,
    address: spec.address,
    managerLogin: spec.managerLogin,
    passwordRef: spec.passwordRef,
    tags: spec.tags,
    maxConnections: orDefault(spec.maxConnections),
    minIdle: spec.minIdle === 0 && spec.maxConnections === 0 ? undefined : spec.minIdle,
    requestsPerSecond: orDefault(spec.requestsPerSecond),
    requestTimeoutMs: orDefault(spec.requestTimeoutMs),
    acquireTimeoutMs: orDefault(spec.acquireTimeoutMs),
    tls: { caFile: spec.tlsCaFile || undefined, pinnedSha256: spec.tlsPinnedSha256 || undefined },
    allowPlainHttp: spec.allowPlainHttp,
  });
  if (!parsed.success) {
    const names: Record<string, string> = { id: 'server_id', managerLogin: 'manager_login', passwordRef: 'password_ref', maxConnections: 'max_connections', minIdle: 'min_idle' };
    throw new GatewayError(
      'INVALID_ARGUMENT',
      parsed.error.issues.map((issue) => `server.${issue.path.map((part) => names[String(part)] ?? String(part)).join('.')}: ${issue.message}`).join('; '),
    );
  }
  return parsed.data;
}

const LOGIN = /^\d{1,20}$/;
const TICKET = /^\d{1,20}$/;
const MAX_LOGINS_PER_CALL = 1000;
const MAX_PAGE_SIZE = 10_000;

function requireLogin(login: string, field = 'login'): void {
  if (!LOGIN.test(login)) throw new GatewayError('INVALID_ARGUMENT', `${field}: must be an MT login (digits)`);
}

/**
 * Live reads of MT servers for validation, previews and ops UIs, served by the instance executing the server
 * (ReadForwardingInterceptor). Account, group, symbol and position data is personal
 * or commercially sensitive: only Tradewarden's services read it here, on behalf of callers they authorized.
 */
@Controller()
@gatewayV1.GatewayServiceControllerMethods()
export class GatewayController implements gatewayV1.GatewayServiceController {
  constructor(
    private readonly registry: ServerRegistryService,
    private readonly authorization: AuthorizationClient,
    private readonly vault: CredentialVault,
  ) {}

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
  async getAccount(request: gatewayV1.GetAccountRequest, _metadata?: Metadata): Promise<gatewayV1.GetAccountResponse> {
    requireLogin(request.login);
    const connector = await this.registry.connector(request.serverId);
    return { account: toAccount(request.serverId, await connector.getAccount(request.login, { margin: true })) };
  }

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
  async getAccounts(request: gatewayV1.GetAccountsRequest, _metadata?: Metadata): Promise<gatewayV1.GetAccountsResponse> {
    if (request.logins.length > MAX_LOGINS_PER_CALL) throw new GatewayError('INVALID_ARGUMENT', `logins: at most ${MAX_LOGINS_PER_CALL} per call`);
    request.logins.forEach((login, index) => requireLogin(login, `logins[${index}]`));
    const connector = await this.registry.connector(request.serverId);
    const accounts = await connector.getAccounts([...new Set(request.logins)], { margin: request.includeMargin });
    const found = new Set(accounts.map((account) => account.login));
    return {
      accounts: accounts.map((account) => toAccount(request.serverId, account)),
      missingLogins: request.logins.filter((login) => !found.has(login)),
    };
  }

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
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
  @UseInterceptors(ReadForwardingInterceptor)
  async getGroup(request: gatewayV1.GetGroupRequest, _metadata?: Metadata): Promise<gatewayV1.GetGroupResponse> {
    if (!request.group) throw new GatewayError('INVALID_ARGUMENT', 'group: required');
    const connector = await this.registry.connector(request.serverId);
    return { group: toGroup(await connector.getGroup(request.group)) };
  }

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
  async getSymbols(request: gatewayV1.GetSymbolsRequest, _metadata?: Metadata): Promise<gatewayV1.GetSymbolsResponse> {
    if (!request.mask) throw new GatewayError('INVALID_ARGUMENT', 'mask: required (a symbol name or a pattern such as "Forex\\*")');
    const connector = await this.registry.connector(request.serverId);
    return { symbols: (await connector.getSymbols(request.mask)).map(toSymbol) };
  }

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
  async getPositions(request: gatewayV1.GetPositionsRequest, _metadata?: Metadata): Promise<gatewayV1.GetPositionsResponse> {
    requireLogin(request.login);
    const connector = await this.registry.connector(request.serverId);
    return { positions: (await connector.getPositions(request.login)).map(toPosition) };
  }

  @ServiceRoleOnly()
  @UseInterceptors(ReadForwardingInterceptor)
  async getOrders(request: gatewayV1.GetOrdersRequest, _metadata?: Metadata): Promise<gatewayV1.GetOrdersResponse> {
    requireLogin(request.login);
    if (request.order && !TICKET.test(request.order)) throw new GatewayError('INVALID_ARGUMENT', 'order: must be an order ticket (digits)');
    const connector = await this.registry.connector(request.serverId);
    if (!request.order) return { orders: (await connector.getOrders(request.login)).map(toOrder) };
    const found = await connector.getOrder(request.login, request.order);
    return { orders: found ? [toOrder(found)] : [] };
  }

  async listServers(_request: gatewayV1.ListServersRequest, _metadata?: Metadata): Promise<gatewayV1.ListServersResponse> {
    const servers = await this.registry.list();
    return { servers: servers.map(toServerInfo) };
  }

  async upsertServer(request: gatewayV1.UpsertServerRequest, metadata?: Metadata): Promise<gatewayV1.UpsertServerResponse> {
    const { actor } = callerOf(metadata);
    const entry = toEntry(request.server);
    const decision = await this.authorization.require(actor, { action: 'admin', operationType: REGISTRY, serverId: entry.id });
    const { row, created } = await this.registry.upsert(entry, { actor, decisionId: decision.decisionId });
    return { server: toServerInfo(row), created };
  }

  async disableServer(request: gatewayV1.DisableServerRequest, metadata?: Metadata): Promise<gatewayV1.DisableServerResponse> {
    const { actor } = callerOf(metadata);
    if (!request.reason.trim()) throw new GatewayError('INVALID_ARGUMENT', 'reason: required (why the server goes out of service)');
    const decision = await this.authorization.require(actor, { action: 'admin', operationType: REGISTRY, serverId: request.serverId });
    return { server: toServerInfo(await this.registry.disable(request.serverId, request.reason.trim(), { actor, decisionId: decision.decisionId })) };
  }

  /** For the submitter only (checked against the operation), once; never logged. */
  async claimCredentials(request: gatewayV1.ClaimCredentialsRequest, metadata?: Metadata): Promise<gatewayV1.ClaimCredentialsResponse> {
    const { actor } = callerOf(metadata);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!uuid.test(request.operationId)) throw new GatewayError('INVALID_ARGUMENT', 'operation_id: must be a UUID');
    if (!uuid.test(request.itemId)) throw new GatewayError('INVALID_ARGUMENT', 'item_id: must be a UUID');
    const claimed = await this.vault.claim(actor, request.operationId, request.itemId);
    return { serverId: claimed.serverId, login: claimed.login, mainPassword: claimed.passwords.main ?? '', investorPassword: claimed.passwords.investor ?? '' };
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
