import { z } from 'zod';
import { grpcTarget, loadConfig, serviceAccountEnv, serviceBaseEnv, toServiceAccountConfig, toServiceBaseConfig } from '@tradewarden/config';

const auditEnv = serviceBaseEnv.merge(serviceAccountEnv).extend({
  IDENTITY_GRPC_ADDRESS: grpcTarget,
  // Required here: the trail's owner migrates, while DATABASE_URL's role may only read the trail and append to it.
  DATABASE_MIGRATION_URL: z
    .string({ required_error: 'is required: the audit schema owner (migrations only); DATABASE_URL must be a role that may only append to the trail' })
    .url('must be a postgres:// URL'),
  // Ed25519 private key (PKCS#8 PEM) that signs the chain's checkpoints. Required, never defaulted: a broker makes one
  // (e.g. `openssl genpkey -algorithm ed25519`) and publishes its public key to whoever keeps the checkpoints.
  AUDIT_CHECKPOINT_KEY: z.string().min(1, 'an Ed25519 private key in PKCS#8 PEM (openssl genpkey -algorithm ed25519)'),
  // A checkpoint after this many records, or once records have waited this long.
  AUDIT_CHECKPOINT_EVERY_RECORDS: z.coerce.number().int().min(1).max(10_000_000).default(1000),
  AUDIT_CHECKPOINT_EVERY_SECONDS: z.coerce.number().positive().max(86_400).default(60),
});

export type AuditConfig = ReturnType<typeof toAuditConfig>;

function toAuditConfig(env: z.infer<typeof auditEnv>) {
  return {
    ...toServiceBaseConfig(env),
    serviceAccount: toServiceAccountConfig(env),
    identityAddress: env.IDENTITY_GRPC_ADDRESS,
    checkpoints: { keyPem: env.AUDIT_CHECKPOINT_KEY.replace(/\\n/g, '\n'), everyRecords: env.AUDIT_CHECKPOINT_EVERY_RECORDS, everySeconds: env.AUDIT_CHECKPOINT_EVERY_SECONDS },
  };
}

export function loadAuditConfig(env: Record<string, string | undefined> = process.env): AuditConfig {
  return toAuditConfig(loadConfig('audit', auditEnv, env));
}
