import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { StoredSession } from './keycloak-tokens';

export function tokenFilePath(environment: NodeJS.ProcessEnv): string {
  return environment['TRADEWARDEN_TOKEN_FILE'] || join(homedir(), '.config', 'tradewarden', 'token.json');
}

export function readSession(path: string): StoredSession | undefined {
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as StoredSession;
  } catch {
    // A damaged file is as good as none: the user logs in again and it is rewritten.
    return undefined;
  }
}

/** Tokens are bearer credentials: the file is readable by its owner only, whatever the umask. */
export function writeSession(path: string, session: StoredSession): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function removeSession(path: string): boolean {
  if (!existsSync(path)) return false;
  rmSync(path, { force: true });
  return true;
}
