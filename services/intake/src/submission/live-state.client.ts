import { status, type ServiceError } from '@grpc/grpc-js';
import { ServiceTokenProvider } from '@tradewarden/auth';
import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { ServiceClient } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';


// GatewayService/GetAccounts takes at most this many logins per call.
const GET_ACCOUNTS_LIMIT = 1000;

/** Live reads through the gateway (the only service that talks to MT servers), as intake's service identity. */
export class LiveStateClient {
  private readonly client: ServiceClient<typeof gatewayV1.GatewayServiceService>;

  constructor(gatewayAddress: string, keycloak: KeycloakConfig, account: ServiceAccountConfig) {
    // Live reads only: one that found its gateway instance gone (a crash, a rolling update) is asked of another.
    this.client = new ServiceClient(gatewayV1.GatewayServiceService, 'GatewayService', gatewayAddress, new ServiceTokenProvider(keycloak, account), 15000, {
      retryUnavailable: ['listServers', 'getAccounts', 'getGroup', 'getSymbols', 'getPositions', 'getOrders'],
    });
  }

  /** Registered servers, each with its platform and whether it is in service. */
  async servers(): Promise<Map<string, { enabled: boolean; platform: 'mt5' | 'mt4' }>> {
    try {
      const reply = await this.client.call('listServers', {});
      return new Map(reply.servers.map((server) => [server.serverId, { enabled: server.enabled, platform: server.platform === 'mt4' ? 'mt4' : 'mt5' }]));
    } catch (error) {
      throw new IntakeError('LIVE_STATE_UNAVAILABLE', `gateway unavailable, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`);
    }
  }

  /**
   * The accounts of one server that exist, by login (one gateway call per 1,000 logins); absent logins are missing.
   * `includeMargin` also reads their free margin, which costs the gateway a request per account on MT5; without it
   * margin_free is unset.
   */
  async accounts(serverId: string, logins: readonly string[], includeMargin: boolean): Promise<Map<string, gatewayV1.Account>> {
    const unique = [...new Set(logins)];
    const found = new Map<string, gatewayV1.Account>();
    for (let start = 0; start < unique.length; start += GET_ACCOUNTS_LIMIT) {
      const chunk = unique.slice(start, start + GET_ACCOUNTS_LIMIT);
      try {
        const reply = await this.client.call('getAccounts', { serverId, logins: chunk, includeMargin });
        for (const account of reply.accounts) found.set(account.login, account);
      } catch (error) {
        throw new IntakeError(
          'LIVE_STATE_UNAVAILABLE',
          `could not read accounts on ${serverId}, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`,
        );
      }
    }
    return found;
  }

  /** A group of a server; undefined when the server does not have it. */
  async group(serverId: string, group: string): Promise<gatewayV1.Group | undefined> {
    return this.orMissing(serverId, `group ${group}`, async () => (await this.client.call('getGroup', { serverId, group })).group);
  }

  /** Symbols whose name or path matches a mask ("*" for all). */
  async symbols(serverId: string, mask: string): Promise<gatewayV1.Symbol[]> {
    return (await this.orMissing(serverId, `symbols ${mask}`, async () => (await this.client.call('getSymbols', { serverId, mask })).symbols)) ?? [];
  }

  /** Open positions of an account; undefined when the account does not exist. */
  async positions(serverId: string, login: string): Promise<gatewayV1.Position[] | undefined> {
    return this.orMissing(serverId, `positions of ${login}`, async () => (await this.client.call('getPositions', { serverId, login })).positions);
  }

  /** Open orders of an account; undefined when the account does not exist (where the platform tells). */
  async orders(serverId: string, login: string): Promise<gatewayV1.Order[] | undefined> {
    return this.orMissing(serverId, `orders of ${login}`, async () => (await this.client.call('getOrders', { serverId, login, order: '' })).orders);
  }

  private async orMissing<T>(serverId: string, what: string, read: () => Promise<T>): Promise<T | undefined> {
    try {
      return await read();
    } catch (error) {
      if ((error as ServiceError).code === status.NOT_FOUND) return undefined;
      throw new IntakeError('LIVE_STATE_UNAVAILABLE', `could not read ${what} on ${serverId}, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`);
    }
  }

  close(): void {
    this.client.close();
  }
}
