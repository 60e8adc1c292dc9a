import { z } from 'zod';
import { hostPort, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const intakeEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({ IDENTITY_GRPC_ADDRESS: hostPort, GATEWAY_GRPC_ADDRESS: hostPort });

export type IntakeConfig = ReturnType<typeof toIntakeConfig>;

function toIntakeConfig(env: z.infer<typeof intakeEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    gatewayAddress: env.GATEWAY_GRPC_ADDRESS,
  };
}

export function loadIntakeConfig(env: Record<string, string | undefined> = process.env): IntakeConfig {
  return toIntakeConfig(loadConfig('intake', intakeEnv, env));
}
