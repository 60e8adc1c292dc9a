import { z } from 'zod';
import { hostPort, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const approvalEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({ IDENTITY_GRPC_ADDRESS: hostPort });

export type ApprovalConfig = ReturnType<typeof toApprovalConfig>;

function toApprovalConfig(env: z.infer<typeof approvalEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
  };
}

export function loadApprovalConfig(env: Record<string, string | undefined> = process.env): ApprovalConfig {
  return toApprovalConfig(loadConfig('approval', approvalEnv, env));
}
