import { Metadata, Server, ServerCredentials, status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { gatewayV1 } from '@tradewarden/proto';
import { channelServiceConfig, createGrpcClient, unaryCall, type GrpcClient } from './grpc-client';

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

describe('a client with retries, against real grpc-js servers', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await new Promise<void>((done) => server.tryShutdown(() => done()));
  });

  /** A gateway instance answering ListServers with `answer` (an error status or its own name), counting the calls. */
  async function instance(answer: (calls: number) => Partial<ServiceError> | string): Promise<{ address: string; calls: () => number; server: Server }> {
    let calls = 0;
    const server = new Server();
    server.addService(gatewayV1.GatewayServiceService, {
      listServers: (_call: ServerUnaryCall<gatewayV1.ListServersRequest, gatewayV1.ListServersResponse>, callback: sendUnaryData<gatewayV1.ListServersResponse>) => {
        calls += 1;
        const reply = answer(calls);
        if (typeof reply === 'string') callback(null, gatewayV1.ListServersResponse.fromPartial({ servers: [{ serverId: reply }] }));
        else callback(reply as ServiceError, null);
      },
    } as never);
    const port = await new Promise<number>((done, fail) => server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? fail(error) : done(bound))));
    servers.push(server);
    return { address: `127.0.0.1:${port}`, calls: () => calls, server };
  }

  const listServers = (client: GrpcClient<typeof gatewayV1.GatewayServiceService>) => unaryCall(client, 'listServers', {}, undefined, 5000);

  it('retries a read that found its instance unavailable, but not one the server says failed beyond it', async () => {
    const flaky = await instance((calls) => (calls < 3 ? { code: status.UNAVAILABLE, details: 'restarting' } : 'answered'));
    const client = createGrpcClient(gatewayV1.GatewayServiceService, flaky.address, 'GatewayService', undefined, { retryUnavailable: ['listServers'] });
    expect((await listServers(client)).servers[0]!.serverId).toBe('answered');
    expect(flaky.calls()).toBe(3);
    client.close();

    const mtDown = new Metadata();
    mtDown.set('grpc-retry-pushback-ms', '-1');
    const beyond = await instance(() => ({ code: status.UNAVAILABLE, details: 'MT server down', metadata: mtDown }));
    const second = createGrpcClient(gatewayV1.GatewayServiceService, beyond.address, 'GatewayService', undefined, { retryUnavailable: ['listServers'] });
    await expect(listServers(second)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(beyond.calls()).toBe(1);
    second.close();
  });

  it('sends nothing again without a retry policy', async () => {
    const flaky = await instance(() => ({ code: status.UNAVAILABLE, details: 'restarting' }));
    const client = createGrpcClient(gatewayV1.GatewayServiceService, flaky.address, 'GatewayService');
    await expect(listServers(client)).rejects.toMatchObject({ code: status.UNAVAILABLE });
    expect(flaky.calls()).toBe(1);
    client.close();
  });

  it('spreads calls over every instance of a list and goes on with the others when one is gone', async () => {
    const first = await instance(() => 'first');
    const second = await instance(() => 'second');
    const target = `ipv4:${first.address},${second.address}`;
    const client = createGrpcClient(gatewayV1.GatewayServiceService, target, 'GatewayService', undefined, { retryUnavailable: ['listServers'] });
    const answers = new Set<string>();
    for (let call = 0; call < 10; call += 1) answers.add((await listServers(client)).servers[0]!.serverId);
    expect([...answers].sort()).toEqual(['first', 'second']);

    first.server.forceShutdown();
    for (let call = 0; call < 10; call += 1) expect((await listServers(client)).servers[0]!.serverId).toBe('second');
    client.close();
  });
});
