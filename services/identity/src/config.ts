import { z } from 'zod';
import { loadConfig, serviceBaseEnv, toServiceBaseConfig } from '@tradewarden/config';

const identityEnv = serviceBaseEnv;

export type IdentityConfig = ReturnType<typeof toIdentityConfig>;

function toIdentityConfig(env: z.infer<typeof identityEnv>) {
  return {
    ...toServiceBaseConfig(env),
  };
}

export function loadIdentityConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  return toIdentityConfig(loadConfig('identity', identityEnv, env));
}
