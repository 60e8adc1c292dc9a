import { parseArguments } from './cli-arguments';
import type { CliEnvironment } from './cli-context';
import { ExitCode, UsageError } from './exit-codes';
import { clientCredentialsLogin, endSession, passwordLogin, type StoredSession } from './keycloak-tokens';
import { requireAddress, resolveAddresses } from './platform-addresses';
import { readSession, removeSession, tokenFilePath, writeSession } from './token-store';

export const AUTH_USAGE = `  login [--user agent] [--password P]     sign in (Keycloak password grant, public client tradewarden-cli); demo users
                                          need no password (<user>-demo-pass); also TRADEWARDEN_PASSWORD
  login --client-id ID --client-secret S  sign in as a confidential client (client credentials), for integrations
  logout                                  end the session and delete the stored token`;

const CLI_CLIENT_ID = 'tradewarden-cli';
/** The demo realm's users (infra/keycloak/tradewarden-realm.json), whose password is "<user>-demo-pass". */
const DEMO_USERS: ReadonlySet<string> = new Set(['agent', 'agent2', 'supervisor', 'supervisor2', 'compliance', 'admin', 'admin2']);

/** The password to use: --password, then TRADEWARDEN_PASSWORD, then the demo password of a demo user. */
export function loginPassword(user: string, flag: string | undefined, variables: NodeJS.ProcessEnv): string {
  const password = flag ?? (variables['TRADEWARDEN_PASSWORD'] || undefined) ?? (DEMO_USERS.has(user) ? `${user}-demo-pass` : undefined);
  if (password === undefined) throw new UsageError(`--password (or TRADEWARDEN_PASSWORD) is needed for ${user}, who is not a demo user`);
  return password;
}

function describeSession(session: StoredSession, now: number): string {
  const minutes = Math.max(0, Math.round((session.accessTokenExpiresAt - now) / 60_000));
  const renewal = session.refreshToken ? 'renewed automatically while the session lasts' : 'log in again when it expires';
  return `logged in as ${session.principal} (${session.grant === 'password' ? 'user' : 'client'}) at ${session.keycloakUrl}, realm ${session.realm}; token valid ${minutes} min, ${renewal}`;
}

export async function loginCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, {
    usage: 'login [--user <name>] [--password <password>] | --client-id <id> --client-secret <secret>',
    flags: { user: 'string', password: 'string', 'client-id': 'string', 'client-secret': 'string' },
    positionals: [],
  });
  const addresses = resolveAddresses(flags, environment.variables, environment.runtime);
  const realm = { keycloakUrl: requireAddress(addresses, 'keycloak'), realm: addresses.realm };
  let session: StoredSession;
  if (flags['client-id'] !== undefined || flags['client-secret'] !== undefined) {
    const secret = flags['client-secret'] ?? environment.variables['TRADEWARDEN_CLIENT_SECRET'];
    if (!flags['client-id'] || !secret) throw new UsageError('--client-id and --client-secret go together');
    if (flags.user !== undefined || flags.password !== undefined) throw new UsageError('--user/--password and --client-id/--client-secret exclude each other');
    session = await clientCredentialsLogin(realm, flags['client-id'], secret, environment.now);
  } else {
    const user = flags.user ?? 'agent';
    session = await passwordLogin(realm, CLI_CLIENT_ID, user, loginPassword(user, flags.password, environment.variables), environment.now);
  }
  const path = tokenFilePath(environment.variables);
  writeSession(path, session);
  if (flags.json) {
    environment.output.out(`${JSON.stringify({ principal: session.principal, grant: session.grant, keycloakUrl: session.keycloakUrl, realm: session.realm, tokenFile: path })}\n`);
  } else environment.output.out(`${describeSession(session, environment.now())}\ntoken stored in ${path} (readable by you only)\n`);
  return ExitCode.Ok;
}

export async function logoutCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, { usage: 'logout', flags: {}, positionals: [] });
  const path = tokenFilePath(environment.variables);
  const session = readSession(path);
  const ended = session ? await endSession(session) : false;
  const removed = removeSession(path);
  if (flags.json) environment.output.out(`${JSON.stringify({ loggedOut: removed, keycloakSessionEnded: ended })}\n`);
  else environment.output.out(removed ? `logged out${session ? ` ${session.principal}` : ''}${ended ? ' (Keycloak session ended)' : ''}\n` : 'not logged in\n');
  return ExitCode.Ok;
}
