import { gatewayV1 } from '@tradewarden/proto';
import { channelServiceConfig } from './grpc-client';

describe('channelServiceConfig', () => {
  it('spreads calls over the instances and retries nothing by default', () => {
    expect(channelServiceConfig(gatewayV1.GatewayServiceService)).toEqual({ loadBalancingConfig: [{ round_robin: {} }], methodConfig: [] });
  });

  it('retries only the named methods, only on UNAVAILABLE, by their full gRPC names', () => {
    const config = channelServiceConfig(gatewayV1.GatewayServiceService, { retryUnavailable: ['getAccounts', 'listServers'] }) as {
      methodConfig: { name: { service: string; method: string }[]; retryPolicy: { retryableStatusCodes: string[]; maxAttempts: number } }[];
    };
    expect(config.methodConfig).toHaveLength(1);
    expect(config.methodConfig[0]!.name).toEqual([
      { service: 'tradewarden.gateway.v1.GatewayService', method: 'GetAccounts' },
      { service: 'tradewarden.gateway.v1.GatewayService', method: 'ListServers' },
    ]);
    expect(config.methodConfig[0]!.retryPolicy.retryableStatusCodes).toEqual(['UNAVAILABLE']);
    expect(config.methodConfig[0]!.retryPolicy.maxAttempts).toBeGreaterThan(1);
  });
});
