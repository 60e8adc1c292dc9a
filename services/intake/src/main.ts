import { telemetry } from './instrumentation';
import { runService } from '@tradewarden/grpc';
import { startIntakeService } from './app';
import { loadIntakeConfig } from './config';

runService('intake', () => startIntakeService(loadIntakeConfig()), telemetry);
