import type { Metadata } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { ServiceRoleOnly } from '@tradewarden/grpc';
import { gatewayV1 } from '@tradewarden/proto';
import { GatewayError } from '../gateway-errors';
import { ServerRegistryService } from '../registry/server-registry.service';

@Controller()
@gatewayV1.GatewayServiceControllerMethods()
export class GatewayController implements gatewayV1.GatewayServiceController {
  constructor(private readonly registry: ServerRegistryService) {}

  /** Live account state for validation and previews; called by intake with its service identity. */
  @ServiceRoleOnly()
  async getAccount(request: gatewayV1.GetAccountRequest, _metadata?: Metadata): Promise<gatewayV1.GetAccountResponse> {
    if (!/^\d{1,20}$/.test(request.login)) throw new GatewayError('INVALID_ARGUMENT', 'login must be digits');
    const connector = await this.registry.connector(request.serverId);
    const account = await connector.getAccount(request.login);
    return {
      account: {
        serverId: request.serverId,
        login: account.login,
        group: account.group,
        name: account.name,
        leverage: account.leverage,
        balance: { amount: account.balance.format(account.currencyDigits), currency: account.currency },
        credit: { amount: account.credit.format(account.currencyDigits), currency: account.currency },
      },
    };
  }

  async listServers(_request: gatewayV1.ListServersRequest, _metadata?: Metadata): Promise<gatewayV1.ListServersResponse> {
    const servers = await this.registry.list();
    return { servers: servers.map((server) => ({ serverId: server.id, platform: server.platform, address: server.address, tags: server.tags })) };
  }
}
