import { telemetry } from './instrumentation';
import { runService } from '@tradewarden/grpc';
import { startGatewayService } from './app';
import { loadGatewayConfig } from './config';

runService('gateway', () => startGatewayService(loadGatewayConfig()), telemetry);
