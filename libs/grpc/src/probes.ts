import { credentials, loadPackageDefinition, makeGenericClientConstructor, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { service as healthService } from 'grpc-health-check';

const HEALTH_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;
export type HealthStatus = (typeof HEALTH_STATUS)[number] | 'UNREACHABLE';

/** grpc.health.v1 Check against a server ('' = the whole server), as probes and `tradewarden status` use it. */
export function checkHealth(address: string, service = '', timeoutMs = 2000): Promise<HealthStatus> {
  const HealthClient = makeGenericClientConstructor(healthService, 'Health');
  const client = new HealthClient(address, credentials.createInsecure()) as unknown as Client & {
    check(request: { service: string }, options: { deadline: Date }, callback: (error: ServiceError | null, reply?: { status: string | number }) => void): void;
  };
  return new Promise((resolve) => {
    client.check({ service }, { deadline: new Date(Date.now() + timeoutMs) }, (error, reply) => {
      client.close();
      if (error || !reply) return resolve('UNREACHABLE');
      resolve(typeof reply.status === 'number' ? (HEALTH_STATUS[reply.status] ?? 'UNKNOWN') : (reply.status as HealthStatus));
    });
  });
}

/** The services a server lists through gRPC server reflection (grpc.reflection.v1). */
export function listServicesByReflection(address: string, timeoutMs = 3000): Promise<string[]> {
  const definition = loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true, defaults: true, oneofs: true });
  const grpcPackage = loadPackageDefinition(definition) as unknown as {
    grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: ReturnType<typeof credentials.createInsecure>) => Client & Record<string, (options: object) => unknown> } } };
  };
  const client = new grpcPackage.grpc.reflection.v1.ServerReflection(address, credentials.createInsecure());
  return new Promise((resolve, reject) => {
    const call = client['ServerReflectionInfo']!({ deadline: new Date(Date.now() + timeoutMs) }) as NodeJS.ReadWriteStream & { end(): void; write(message: object): void };
    call.on('data', (response: { list_services_response?: { service: { name: string }[] } }) => {
      resolve((response.list_services_response?.service ?? []).map((service) => service.name).sort());
      call.end();
    });
    call.on('error', (error: Error) => reject(error));
    call.on('end', () => client.close());
    call.write({ list_services: '' });
  });
}
