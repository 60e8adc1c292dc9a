import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { Transport, type GrpcOptions } from '@nestjs/microservices';
import { protoFile, protoRoot } from '@tradewarden/proto';
import type { ServingStatusRegistry } from './health';
import { installTimestampWrapper } from './timestamp-wrapper';

// Before any schema is loaded: protobufjs applies wrappers when a type is first set up.
installTimestampWrapper();

export interface GrpcServerSpec {
  /** Proto package(s) served, e.g. 'tradewarden.intake.v1'. */
  packages: string[];
  /** Proto files relative to proto/, e.g. 'tradewarden/intake/v1/intake.proto'. */
  protoFiles: string[];
  host: string;
  port: number;
  health: ServingStatusRegistry;
}

/**
 * NestJS gRPC transport options shared by every service: the schema loaded from proto/ with the conversions the
 * ts-proto code expects (int64 as strings, enums as numbers, defaults filled), plus the standard health service and
 * server reflection (so grpcurl and grpc_health_probe work without local protos).
 */
export function grpcServerOptions(spec: GrpcServerSpec): GrpcOptions {
  return {
    transport: Transport.GRPC,
    options: {
      package: spec.packages,
      protoPath: spec.protoFiles.map((file) => protoFile(file)),
      url: `${spec.host}:${spec.port}`,
      channelOptions: {
        // Clients re-resolve their target when a connection ends, so ending each after 5 minutes (calls in flight
        // finish first) lets them find instances added since, e.g. by an autoscaler.
        'grpc.max_connection_age_ms': 300_000,
      },
      loader: {
        includeDirs: [protoRoot()],
        longs: String,
        enums: Number,
        defaults: true,
        oneofs: true,
        arrays: true,
        objects: true,
      },
      onLoadPackageDefinition: (packageDefinition, server: Pick<Server, 'addService'>) => {
        // Reflection lists the health service too, so tools see everything the server answers.
        const healthDefinition = loadSync(healthProtoPath, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true });
        new ReflectionService({ ...packageDefinition, ...healthDefinition }).addToServer(server);
        spec.health.implementation.addToServer(server as Server);
      },
    },
  };
}
