import { telemetry } from './instrumentation';
import { runService } from '@tradewarden/grpc';
import { startAuditService } from './app';
import { loadAuditConfig } from './config';

runService('audit', () => startAuditService(loadAuditConfig()), telemetry);
