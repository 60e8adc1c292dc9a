import type { ServiceError } from '@grpc/grpc-js';
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
    this.client = new ServiceClient(gatewayV1.GatewayServiceService, 'GatewayService', gatewayAddress, new ServiceTokenProvider(keycloak, account), 15000);
  }

  /** Registered servers, each with whether it is in service. */
  async servers(): Promise<Map<string, { enabled: boolean }>> {
    try {
      const reply = await this.client.call('listServers', {});
      return new Map(reply.servers.map((server) => [server.serverId, { enabled: server.enabled }]));
    } catch (error) {
      throw new IntakeError('LIVE_STATE_UNAVAILABLE', `gateway unavailable, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`);
    }
  }

  /** The accounts of one server that exist, by login (one gateway call per 1,000 logins); absent logins are missing. */
  async accounts(serverId: string, logins: readonly string[]): Promise<Map<string, gatewayV1.Account>> {
    const unique = [...new Set(logins)];
    const found = new Map<string, gatewayV1.Account>();
    for (let start = 0; start < unique.length; start += GET_ACCOUNTS_LIMIT) {
      const chunk = unique.slice(start, start + GET_ACCOUNTS_LIMIT);
      try {
        const reply = await this.client.call('getAccounts', { serverId, logins: chunk });
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

  close(): void {
    this.client.close();
  }
}
