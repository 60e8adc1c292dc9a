import { z } from 'zod';
import { grpcTarget, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const approvalEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({
  IDENTITY_GRPC_ADDRESS: grpcTarget,
  // How long a request waits for its approvals when its policy does not say (then EXPIRED; nothing runs).
  APPROVAL_DEFAULT_TTL_HOURS: z.coerce.number().positive().max(24 * 90).default(24),
  // How often pending requests past their time are expired.
  APPROVAL_EXPIRY_SWEEP_SECONDS: z.coerce.number().positive().max(3600).default(5),
});

export type ApprovalConfig = ReturnType<typeof toApprovalConfig>;

function toApprovalConfig(env: z.infer<typeof approvalEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    workflow: { defaultTtlSeconds: Math.round(env.APPROVAL_DEFAULT_TTL_HOURS * 3600), expirySweepMs: Math.round(env.APPROVAL_EXPIRY_SWEEP_SECONDS * 1000) },
  };
}

export function loadApprovalConfig(env: Record<string, string | undefined> = process.env): ApprovalConfig {
  return toApprovalConfig(loadConfig('approval', approvalEnv, env));
}
