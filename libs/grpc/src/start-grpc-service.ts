import { Logger, type DynamicModule, type INestMicroservice, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { grpcServerOptions, type GrpcServerSpec } from './grpc-server-options';

export interface RunningGrpcService {
  app: INestMicroservice;
  address: string;
  close(): Promise<void>;
}

const logLevels = (): LogLevel[] => {
  const level = process.env['LOG_LEVEL'] ?? 'log';
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  return order.slice(0, Math.max(order.indexOf(level as LogLevel), 1) + 1);
};

/**
 * Creates the Nest gRPC microservice, waits until its dependencies (database migrated, Kafka topics, relay and
 * consumers) are up and it listens, then reports SERVING on the health service. close() reports NOT_SERVING first
 * so load balancers stop sending work, then shuts the app down.
 */
export async function startGrpcService(name: string, module: DynamicModule, spec: GrpcServerSpec): Promise<RunningGrpcService> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, {
    ...grpcServerOptions(spec),
    logger: logLevels(),
  });
  await app.listen();
  spec.health.setServing(true);
  const address = `${spec.host}:${spec.port}`;
  new Logger(name).log(`gRPC on ${address}`);
  return {
    app,
    address,
    close: async () => {
      spec.health.setServing(false);
      await app.close();
    },
  };
}
