import { z } from 'zod';
import { grpcTarget, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const intakeEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({
  IDENTITY_GRPC_ADDRESS: grpcTarget,
  GATEWAY_GRPC_ADDRESS: grpcTarget,
  // Read for grant.* and approval_policy.* operations (the policies in force).
  APPROVAL_GRPC_ADDRESS: grpcTarget,
  // Highest leverage (1:n) an account may be given; MetaQuotes documents 1-500, brokers may allow up to 1000.
  INTAKE_MAX_LEVERAGE: z.coerce.number().int().min(1).max(1000).default(500),
  // A swap rate changing by more than this fraction is flagged to the approver (0.5 = 50 %).
  INTAKE_SWAP_DEVIATION_WARNING: z.coerce.number().positive().max(100).default(0.5),
});

export type IntakeConfig = ReturnType<typeof toIntakeConfig>;

function toIntakeConfig(env: z.infer<typeof intakeEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    gatewayAddress: env.GATEWAY_GRPC_ADDRESS,
    approvalAddress: env.APPROVAL_GRPC_ADDRESS,
    catalogue: { maxLeverage: env.INTAKE_MAX_LEVERAGE, swapDeviationWarning: env.INTAKE_SWAP_DEVIATION_WARNING },
  };
}

export function loadIntakeConfig(env: Record<string, string | undefined> = process.env): IntakeConfig {
  return toIntakeConfig(loadConfig('intake', intakeEnv, env));
}
