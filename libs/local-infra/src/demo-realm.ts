import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-root';
import { REALM_FILE } from './keycloak-server';

interface RealmFile {
  clients: { clientId: string; secret?: string }[];
  users: { username: string; credentials?: { value: string }[] }[];
}

let cached: RealmFile | undefined;

function realm(): RealmFile {
  cached ??= JSON.parse(readFileSync(join(workspaceRoot(), REALM_FILE), 'utf8')) as RealmFile;
  return cached;
}

/**
 * Demo credentials of the local realm (infra/keycloak/tradewarden-realm.json). For the local launcher and tests only:
 * services never read this; they get their secrets from their environment.
 */
export const demoRealm = {
  clientSecret(clientId: string): string {
    const secret = realm().clients.find((client) => client.clientId === clientId)?.secret;
    if (!secret) throw new Error(`demo realm has no secret for client ${clientId}`);
    return secret;
  },
  userPassword(username: string): string {
    const password = realm().users.find((user) => user.username === username)?.credentials?.[0]?.value;
    if (!password) throw new Error(`demo realm has no user ${username}`);
    return password;
  },
  usernames(): string[] {
    return realm()
      .users.filter((user) => user.credentials?.length)
      .map((user) => user.username);
  },
};
