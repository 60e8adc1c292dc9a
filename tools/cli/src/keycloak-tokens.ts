import { CliError, ExitCode } from './exit-codes';

/** What the CLI keeps of a Keycloak login (token.json). */
export interface StoredSession {
  keycloakUrl: string;
  realm: string;
  clientId: string;
  grant: 'password' | 'client_credentials';
  /** The user (password grant) or the client (client credentials). */
  principal: string;
  accessToken: string;
  /** Epoch milliseconds. */
  accessTokenExpiresAt: number;
  refreshToken?: string;
  refreshTokenExpiresAt?: number;
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  refresh_token?: string;
  refresh_expires_in?: number;
  error?: string;
  error_description?: string;
}

export interface TokenRealm {
  keycloakUrl: string;
  realm: string;
}

/** Keycloak's token endpoint said no (NotAuthenticated) or did not work (Unavailable); reason is its description. */
export class KeycloakRefusal extends CliError {
  constructor(
    readonly reason: string,
    exitCode: ExitCode,
  ) {
    super(`Keycloak refused the login: ${reason}`, exitCode);
    this.name = 'KeycloakRefusal';
  }
}

function endpoint(realm: TokenRealm, path: 'token' | 'logout'): string {
  return `${realm.keycloakUrl}/realms/${encodeURIComponent(realm.realm)}/protocol/openid-connect/${path}`;
}

async function requestTokens(realm: TokenRealm, form: Record<string, string>, now: () => number): Promise<Pick<StoredSession, 'accessToken' | 'accessTokenExpiresAt' | 'refreshToken' | 'refreshTokenExpiresAt'>> {
  const response = await fetch(endpoint(realm, 'token'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as TokenResponse;
  if (!response.ok || !body.access_token) {
    const reason = body.error_description ?? body.error ?? `HTTP ${response.status}`;
    // 400/401 are Keycloak refusing the credentials; anything else is Keycloak not working.
    throw new KeycloakRefusal(reason, response.status === 400 || response.status === 401 ? ExitCode.NotAuthenticated : ExitCode.Unavailable);
  }
  const issuedAt = now();
  return {
    accessToken: body.access_token,
    accessTokenExpiresAt: issuedAt + (body.expires_in ?? 60) * 1000,
    refreshToken: body.refresh_token,
    // refresh_expires_in 0 means an offline token that does not expire by time.
    refreshTokenExpiresAt: body.refresh_token ? (body.refresh_expires_in ? issuedAt + body.refresh_expires_in * 1000 : Number.MAX_SAFE_INTEGER) : undefined,
  };
}

export async function passwordLogin(realm: TokenRealm, clientId: string, username: string, password: string, now = Date.now): Promise<StoredSession> {
  const tokens = await requestTokens(realm, { grant_type: 'password', client_id: clientId, username, password }, now);
  return { ...realm, clientId, grant: 'password', principal: username, ...tokens };
}

export async function clientCredentialsLogin(realm: TokenRealm, clientId: string, clientSecret: string, now = Date.now): Promise<StoredSession> {
  const tokens = await requestTokens(realm, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }, now);
  // A client-credentials session is never refreshed: the secret is not stored, so a new login (or the variables) is needed.
  return { ...realm, clientId, grant: 'client_credentials', principal: clientId, ...tokens, refreshToken: undefined, refreshTokenExpiresAt: undefined };
}

export async function refreshSession(session: StoredSession, now = Date.now): Promise<StoredSession> {
  if (!session.refreshToken) throw new CliError('the session has expired: log in again (tradewarden login)', ExitCode.NotAuthenticated);
  let tokens: Awaited<ReturnType<typeof requestTokens>>;
  try {
    tokens = await requestTokens(session, { grant_type: 'refresh_token', client_id: session.clientId, refresh_token: session.refreshToken }, now);
  } catch (error) {
    // Not a login the user just typed: the stored session was ended (logout, an admin, Keycloak's idle timeout).
    if (error instanceof KeycloakRefusal && error.exitCode === ExitCode.NotAuthenticated) {
      throw new CliError(`the session of ${session.principal} has ended (Keycloak: ${error.reason}): log in again (tradewarden login)`, ExitCode.NotAuthenticated);
    }
    throw error;
  }
  return { ...session, ...tokens, refreshToken: tokens.refreshToken ?? session.refreshToken, refreshTokenExpiresAt: tokens.refreshTokenExpiresAt ?? session.refreshTokenExpiresAt };
}

/** Ends the Keycloak session behind a refresh token; best effort, the local file goes either way. */
export async function endSession(session: StoredSession): Promise<boolean> {
  if (!session.refreshToken) return false;
  const response = await fetch(endpoint(session, 'logout'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: session.clientId, refresh_token: session.refreshToken }).toString(),
  }).catch(() => undefined);
  return response?.ok === true;
}
