import { Metadata } from '@grpc/grpc-js';
import type { ServiceTokenProvider } from '@tradewarden/auth';
import { injectTraceHeaders } from '@tradewarden/telemetry';
import { createGrpcClient, unaryCall, type ChannelPolicy, type GrpcClient, type ServiceDefinitionOf } from '@tradewarden/grpc-client';

type RequestOf<S extends ServiceDefinitionOf, K extends keyof S> = Parameters<S[K]['requestSerialize']>[0];
type ResponseOf<S extends ServiceDefinitionOf, K extends keyof S> = ReturnType<S[K]['responseDeserialize']>;

/**
 * A client for calling another Tradewarden service as this service: each call carries the service's own
 * client-credentials token and the current trace context. The end user travels in the request (e.g. Authorize.actor),
 * and only services holding the tradewarden-service role may make such calls.
 */
export class ServiceClient<S extends ServiceDefinitionOf> {
  private readonly client: GrpcClient<S>;

  constructor(
    definition: S,
    serviceName: string,
    address: string,
    private readonly tokens: ServiceTokenProvider,
    private readonly timeoutMs = 10000,
    policy: ChannelPolicy<S> = {},
  ) {
    this.client = createGrpcClient(definition, address, serviceName, undefined, policy);
  }

  /** `options` override the client's timeout and add metadata entries. */
  async call<K extends keyof S & string>(method: K, request: RequestOf<S, K>, options: { timeoutMs?: number; metadata?: Record<string, string> } = {}): Promise<ResponseOf<S, K>> {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${await this.tokens.token()}`);
    for (const [key, value] of Object.entries({ ...injectTraceHeaders(), ...(options.metadata ?? {}) })) metadata.set(key, value);
    return unaryCall(this.client as GrpcClient<ServiceDefinitionOf>, method as never, request as never, metadata, options.timeoutMs ?? this.timeoutMs) as Promise<ResponseOf<S, K>>;
  }

  /** Whether the channel is connected, or connects within `timeoutMs` (false for an address that does not answer). */
  ready(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => this.client.raw.waitForReady(Date.now() + timeoutMs, (error) => resolve(error === undefined || error === null)));
  }

  close(): void {
    this.client.close();
  }
}
