import { credentials, makeGenericClientConstructor, Metadata, type ChannelCredentials, type Client, type ServiceError } from '@grpc/grpc-js';

interface UnaryMethodDefinition<Req, Res> {
  path: string;
  requestStream: false;
  responseStream: false;
  requestSerialize(value: Req): Buffer;
  requestDeserialize(value: Buffer): Req;
  responseSerialize(value: Res): Buffer;
  responseDeserialize(value: Buffer): Res;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyUnary = UnaryMethodDefinition<any, any>;
export type ServiceDefinitionOf = Record<string, AnyUnary>;

type RequestOf<M> = M extends UnaryMethodDefinition<infer Req, unknown> ? Req : never;
type ResponseOf<M> = M extends UnaryMethodDefinition<unknown, infer Res> ? Res : never;

export interface GrpcClient<S extends ServiceDefinitionOf> {
  readonly definition: S;
  readonly raw: Client;
  close(): void;
}

/** A grpc-js client for a ts-proto generated service definition (e.g. IntakeServiceService). */
export function createGrpcClient<S extends ServiceDefinitionOf>(
  definition: S,
  address: string,
  serviceName: string,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): GrpcClient<S> {
  const Constructor = makeGenericClientConstructor(definition, serviceName);
  const raw = new Constructor(address, channelCredentials, {
    'grpc.keepalive_time_ms': 30000,
  });
  return { definition, raw, close: () => raw.close() };
}

export function bearerMetadata(accessToken: string): Metadata {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${accessToken}`);
  return metadata;
}

/** Calls one unary method; rejects with the grpc ServiceError (code, details) on failure. */
export function unaryCall<S extends ServiceDefinitionOf, K extends keyof S & string>(
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
