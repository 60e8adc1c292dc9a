import { z } from 'zod';
import { hostPort, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const auditEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({ IDENTITY_GRPC_ADDRESS: hostPort });

export type AuditConfig = ReturnType<typeof toAuditConfig>;

function toAuditConfig(env: z.infer<typeof auditEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
  };
}

export function loadAuditConfig(env: Record<string, string | undefined> = process.env): AuditConfig {
  return toAuditConfig(loadConfig('audit', auditEnv, env));
}
