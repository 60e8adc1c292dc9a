import { credentials, makeGenericClientConstructor, Metadata, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';

interface MethodDefinition<Req, Res, RequestStream extends boolean, ResponseStream extends boolean> {
  path: string;
  requestStream: RequestStream;
  responseStream: ResponseStream;
  requestSerialize(value: Req): Buffer;
  requestDeserialize(value: Buffer): Req;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(value: Buffer): Res;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyMethod = MethodDefinition<any, any, boolean, boolean>;
export type ServiceDefinitionOf = Record<string, AnyMethod>;

type RequestOf<M> = M extends MethodDefinition<infer Req, unknown, boolean, boolean> ? Req : never;
type ResponseOf<M> = M extends MethodDefinition<unknown, infer Res, boolean, boolean> ? Res : never;
/** Names of the service's methods of one kind (unary, client-streaming, server-streaming). */
type MethodsOf<S extends ServiceDefinitionOf, RequestStream extends boolean, ResponseStream extends boolean> = {
  [K in keyof S & string]: S[K]['requestStream'] extends RequestStream ? (S[K]['responseStream'] extends ResponseStream ? K : never) : never;
}[keyof S & string];

type RawMethod = (...args: unknown[]) => unknown;
const rawMethod = (client: GrpcClient<ServiceDefinitionOf>, method: string): RawMethod => {
  const fn = (client.raw as unknown as Record<string, RawMethod | undefined>)[method];
  if (typeof fn !== 'function') throw new Error(`no method ${method} on the client`);
  return fn.bind(client.raw);
};

export interface GrpcClient<S extends ServiceDefinitionOf> {
  readonly definition: S;
  readonly raw: Client;
  close(): void;
}

export interface ChannelPolicy<S extends ServiceDefinitionOf> {
  /**
   * Methods safe to send again when the instance a call went to could not be reached (reads): such a call is retried
   * on another instance (UNAVAILABLE only, within the call's deadline; not when the server says the failure lies beyond
   * it, with the trailer grpc-retry-pushback-ms: -1). Writes are never retried here.
   */
  retryUnavailable?: (keyof S & string)[];
}

/** Every call picks the next ready instance of the target (round_robin); without a retry policy a call is tried once. */
export function channelServiceConfig<S extends ServiceDefinitionOf>(definition: S, policy: ChannelPolicy<S> = {}): object {
  const retried = (policy.retryUnavailable ?? []).map((method) => {
    const [, service, name] = /^\/([^/]+)\/([^/]+)$/.exec(definition[method]!.path) ?? [];
    return { service: service!, method: name! };
  });
  return {
    loadBalancingConfig: [{ round_robin: {} }],
    // Retries stop while more than half of the recent calls failed: a wide outage is not multiplied by retries.
    ...(retried.length === 0 ? {} : { retryThrottling: { maxTokens: 10, tokenRatio: 0.1 } }),
    methodConfig:
      retried.length === 0
        ? []
        : [{ name: retried, retryPolicy: { maxAttempts: 4, initialBackoff: '0.1s', maxBackoff: '1s', backoffMultiplier: 2, retryableStatusCodes: ['UNAVAILABLE'] } }],
  };
}

/**
 * A grpc-js client for a ts-proto generated service definition (e.g. IntakeServiceService). `address` is a gRPC target:
 * host:port, dns:///host:port or ipv4:a:port,b:port (libs/config grpcTarget); calls are spread over its instances.
 */
export function createGrpcClient<S extends ServiceDefinitionOf>(
  definition: S,
  address: string,
  serviceName: string,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
  policy: ChannelPolicy<S> = {},
): GrpcClient<S> {
  const Constructor = makeGenericClientConstructor(definition, serviceName);
  const raw = new Constructor(address, channelCredentials, {
    'grpc.keepalive_time_ms': 30000,
    'grpc.service_config': JSON.stringify(channelServiceConfig(definition, policy)),
    // The configuration above is the whole of it: no DNS TXT lookups for one.
    'grpc.service_config_disable_resolution': 1,
  });
  return { definition, raw, close: () => raw.close() };
}

export function bearerMetadata(accessToken: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${accessToken}`);
  return metadata;
}

/** Calls one unary method; rejects with the grpc ServiceError (code, details) on failure. */
export function unaryCall<S extends ServiceDefinitionOf, K extends MethodsOf<S, false, false>>(
  client: GrpcClient<S>,
  method: K,
  request: RequestOf<S[K]>,
  metadata: Metadata = new Metadata(),
  timeoutMs = 10000,
): Promise<ResponseOf<S[K]>> {
  return new Promise((resolve, reject) => {
    const fn = (client.raw as unknown as Record<string, ((...args: unknown[]) => unknown) | undefined>)[method];
    if (typeof fn !== 'function') {
      reject(new Error(`no method ${method} on the client`));
      return;
    }
    fn.call(
      client.raw,
      request,
      metadata,
      { deadline: new Date(Date.now() + timeoutMs) },
      (error: ServiceError | null, response: ResponseOf<S[K]>) => (error ? reject(error) : resolve(response)),
    );
  });
}

/**
 * Calls a client-streaming method: sends every message `messages` yields (respecting back-pressure), then resolves with
 * the single response.
 */
export async function clientStreamCall<S extends ServiceDefinitionOf, K extends MethodsOf<S, true, false>>(
  client: GrpcClient<S>,
  method: K,
  messages: AsyncIterable<RequestOf<S[K]>> | Iterable<RequestOf<S[K]>>,
  metadata: Metadata = new Metadata(),
  timeoutMs = 600_000,
): Promise<ResponseOf<S[K]>> {
  let settle: { resolve: (value: ResponseOf<S[K]>) => void; reject: (error: unknown) => void } | undefined;
  const response = new Promise<ResponseOf<S[K]>>((resolve, reject) => (settle = { resolve, reject }));
  const call = rawMethod(client as unknown as GrpcClient<ServiceDefinitionOf>, method)(
    metadata,
    { deadline: new Date(Date.now() + timeoutMs) },
    (error: ServiceError | null, value: ResponseOf<S[K]>) => (error ? settle!.reject(error) : settle!.resolve(value)),
  ) as { write(message: unknown): boolean; end(): void; once(event: 'drain', listener: () => void): void; cancel(): void };
  try {
    for await (const message of messages) {
      if (!call.write(message)) await new Promise<void>((resolve) => call.once('drain', resolve));
    }
    call.end();
  } catch (error) {
    call.cancel();
    throw error;
  }
  return response;
}

/** Calls a server-streaming method and yields each response message; throws the ServiceError when the call fails. */
export async function* serverStreamCall<S extends ServiceDefinitionOf, K extends MethodsOf<S, false, true>>(
  client: GrpcClient<S>,
  method: K,
  request: RequestOf<S[K]>,
  metadata: Metadata = new Metadata(),
  timeoutMs = 3_600_000,
): AsyncGenerator<ResponseOf<S[K]>> {
  const call = rawMethod(client as unknown as GrpcClient<ServiceDefinitionOf>, method)(request, metadata, { deadline: new Date(Date.now() + timeoutMs) }) as AsyncIterable<ResponseOf<S[K]>> & {
    cancel(): void;
  };
  try {
    for await (const message of call) yield message;
  } finally {
    call.cancel();
  }
}
