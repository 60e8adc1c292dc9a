import { status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { ServiceTokenProvider } from '@tradewarden/auth';
import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { ServiceClient } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';

export type AccountLookup = { found: true; account: gatewayV1.Account } | { found: false };

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

  async account(serverId: string, login: string): Promise<AccountLookup> {
    try {
      const reply = await this.client.call('getAccount', { serverId, login });
      if (!reply.account) throw new Error('gateway returned no account');
      return { found: true, account: reply.account };
    } catch (error) {
      if ((error as ServiceError).code === grpcStatus.NOT_FOUND) return { found: false };
      throw new IntakeError(
        'LIVE_STATE_UNAVAILABLE',
        `could not read account ${login} on ${serverId}, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`,
      );
    }
  }

  close(): void {
    this.client.close();
  }
}
