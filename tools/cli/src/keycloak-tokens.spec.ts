import { ExitCode } from './exit-codes';
import { passwordLogin, refreshSession, type StoredSession } from './keycloak-tokens';

const realm = { keycloakUrl: 'http://127.0.0.1:18080', realm: 'tradewarden' };
const session: StoredSession = {
  ...realm,
  clientId: 'tradewarden-cli',
  grant: 'password',
  principal: 'agent',
  accessToken: 'old-access',
  accessTokenExpiresAt: 1_000,
  refreshToken: 'old-refresh',
  refreshTokenExpiresAt: 2_000_000,
};

function answer(status: number, body: object): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('Keycloak tokens', () => {
  let fetchMock: jest.SpyInstance<Promise<Response>, Parameters<typeof fetch>>;

  beforeEach(() => {
    fetchMock = jest.spyOn(globalThis, 'fetch');
  });

  afterEach(() => fetchMock.mockRestore());

  it('says a refused login was refused, with exit 3', async () => {
    fetchMock.mockResolvedValueOnce(answer(401, { error: 'invalid_grant', error_description: 'Invalid user credentials' }));
    await expect(passwordLogin(realm, 'tradewarden-cli', 'agent', 'wrong')).rejects.toMatchObject({
      message: 'Keycloak refused the login: Invalid user credentials',
      exitCode: ExitCode.NotAuthenticated,
    });
  });

  it('renews a session with its refresh token', async () => {
    fetchMock.mockResolvedValueOnce(answer(200, { access_token: 'new-access', expires_in: 300, refresh_token: 'new-refresh', refresh_expires_in: 1800 }));
    const renewed = await refreshSession(session, () => 10_000);
    expect(renewed).toMatchObject({ principal: 'agent', accessToken: 'new-access', accessTokenExpiresAt: 310_000, refreshToken: 'new-refresh', refreshTokenExpiresAt: 1_810_000 });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('http://127.0.0.1:18080/realms/tradewarden/protocol/openid-connect/token');
    expect(String(init?.body)).toBe('grant_type=refresh_token&client_id=tradewarden-cli&refresh_token=old-refresh');
  });

  it('says that a session Keycloak ended has ended (not that a login was refused), with exit 3', async () => {
    fetchMock.mockResolvedValueOnce(answer(400, { error: 'invalid_grant', error_description: 'Session not active' }));
    await expect(refreshSession(session)).rejects.toMatchObject({
      message: 'the session of agent has ended (Keycloak: Session not active): log in again (tradewarden login)',
      exitCode: ExitCode.NotAuthenticated,
    });
  });

  it('keeps Keycloak failing apart from Keycloak refusing (exit 4)', async () => {
    fetchMock.mockResolvedValueOnce(answer(503, {}));
    await expect(refreshSession(session)).rejects.toMatchObject({ exitCode: ExitCode.Unavailable, message: 'Keycloak refused the login: HTTP 503' });
  });
});
