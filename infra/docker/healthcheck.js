// Container health check of the Tradewarden image (Docker HEALTHCHECK and docker-compose). A service is healthy when
// its standard grpc.health.v1 service answers SERVING (the repository's own probe, libs/grpc/src/probes.ts): it says
// NOT_SERVING until its database is migrated and its Kafka consumers run, and again while it drains. The MT simulator
// is healthy when its MT5 Web API answers over TLS with its own certificate. Kubernetes uses native gRPC probes instead.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const ANY_ADDRESS = new Set(['', '0.0.0.0', '::', '[::]']);

async function main() {
  const env = process.env;
  if (env.GRPC_PORT) {
    const { checkHealth } = require('/app/dist/libs/grpc/src/probes.js');
    const configured = env.GRPC_HOST ?? '';
    const host = ANY_ADDRESS.has(configured) ? '127.0.0.1' : configured;
    const status = await checkHealth(`${host}:${env.GRPC_PORT}`, '', 3000);
    if (status !== 'SERVING') throw new Error(`gRPC health: ${status}`);
    return;
  }
  if (env.SIMULATOR_PORT) {
    const { webApiAnswers } = require('/app/dist/libs/platform-runtime/src/web-api-probe.js');
    const ca = readFileSync(join(env.SIMULATOR_TLS_DIR ?? '', 'cert.pem'), 'utf8');
    if (!(await webApiAnswers(`https://127.0.0.1:${env.SIMULATOR_PORT}`, ca, 3000))) throw new Error('MT5 Web API does not answer');
    return;
  }
  throw new Error('neither GRPC_PORT (a service) nor SIMULATOR_PORT (the simulator) is set');
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(`unhealthy: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
