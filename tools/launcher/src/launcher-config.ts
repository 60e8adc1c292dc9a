import { z } from 'zod';
import { loadConfig, portNumber } from '@tradewarden/config';

/** Ports and options of the local platform; every one can be overridden by its environment variable. */
const launcherEnv = z.object({
  POSTGRES_PORT: portNumber.default(15432),
  // Any PostgreSQL server instead of the embedded one: a superuser (or CREATEROLE + CREATEDB) URL.
  DATABASE_URL: z.string().url('must be a postgres:// URL').optional(),
  KAFKA_PORT: portNumber.default(19092),
  KAFKA_CONTROLLER_PORT: portNumber.default(19093),
  KEYCLOAK_PORT: portNumber.default(18080),
  KEYCLOAK_MANAGEMENT_PORT: portNumber.default(19000),
  SIMULATOR_PORT: portNumber.default(18443),
  SIMULATOR_ADMIN_PORT: portNumber.default(18444),
  SIMULATOR_MT4_BRIDGE_PORT: portNumber.default(18445),
  SIMULATOR_TRADE_SERVER_PORT: portNumber.default(18446),
  IDENTITY_GRPC_PORT: portNumber.default(50051),
  INTAKE_GRPC_PORT: portNumber.default(50052),
  APPROVAL_GRPC_PORT: portNumber.default(50053),
  GATEWAY_GRPC_PORT: portNumber.default(50054),
  AUDIT_GRPC_PORT: portNumber.default(50055),
  TRADEWARDEN_DATA_DIR: z.string().optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
});

export type LauncherConfig = z.infer<typeof launcherEnv>;

export function loadLauncherConfig(): LauncherConfig {
  return loadConfig('npm start', launcherEnv);
}
