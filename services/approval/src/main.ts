import { telemetry } from './instrumentation';
import { runService } from '@tradewarden/grpc';
import { startApprovalService } from './app';
import { loadApprovalConfig } from './config';

runService('approval', () => startApprovalService(loadApprovalConfig()), telemetry);
