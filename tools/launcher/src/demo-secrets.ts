import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Secrets of the local demo platform, generated on first start and kept (mode 0600) in the git-ignored data folder so
 * that a second start finds its database and Keycloak as it left them. Only this launcher makes secrets up; services
 * refuse to start without theirs.
 */
export interface DemoSecrets {
  postgresSuperuser: string;
  keycloakAdmin: string;
  databaseRoles: Record<string, string>;
  /** The gateway's key for sealing generated passwords (32 bytes, base64). */
  gatewayCredentialsKey: string;
  /** The audit service's Ed25519 key for signing checkpoints (PKCS#8 PEM). */
  auditCheckpointKey: string;
}

const generate = () => randomBytes(18).toString('base64url');

export function loadOrCreateDemoSecrets(path: string, services: readonly string[]): DemoSecrets {
  const existing = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Partial<DemoSecrets>) : {};
  const secrets: DemoSecrets = {
    postgresSuperuser: existing.postgresSuperuser ?? generate(),
    keycloakAdmin: existing.keycloakAdmin ?? generate(),
    databaseRoles: Object.fromEntries(services.map((service) => [service, existing.databaseRoles?.[service] ?? generate()])),
    gatewayCredentialsKey: existing.gatewayCredentialsKey ?? randomBytes(32).toString('base64'),
    auditCheckpointKey: existing.auditCheckpointKey ?? generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secrets;
}
