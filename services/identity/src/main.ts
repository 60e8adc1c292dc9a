import { telemetry } from './instrumentation';
import { runService } from '@tradewarden/grpc';
import { startIdentityService } from './app';
import { loadIdentityConfig } from './config';

runService('identity', () => startIdentityService(loadIdentityConfig()), telemetry);
