interface TokenResponse {
  access_token: string;
  expires_in: number;
}

async function requestToken(keycloakUrl: string, realm: string, form: Record<string, string>): Promise<TokenResponse> {
  const url = `${keycloakUrl.replace(/\/$/, '')}/realms/${encodeURIComponent(realm)}/protocol/openid-connect/token`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json().catch(() => ({}))) as Partial<TokenResponse> & { error_description?: string; error?: string };
  if (!response.ok || !body.access_token) {
    throw new Error(`Keycloak token request failed (${response.status}): ${body.error_description ?? body.error ?? 'no token'}`);
  }
  return { access_token: body.access_token, expires_in: body.expires_in ?? 60 };
}

/** Resource-owner password grant through a public client (CLI and tests; demo users only). */
export async function fetchPasswordGrantToken(
  keycloakUrl: string,
  realm: string,
  clientId: string,
  username: string,
  password: string,
): Promise<string> {
  const token = await requestToken(keycloakUrl, realm, { grant_type: 'password', client_id: clientId, username, password });
  return token.access_token;
}

/** Client-credentials grant of a confidential client (services, CRM integrations). */
export async function fetchClientCredentialsToken(
  keycloakUrl: string,
  realm: string,
  clientId: string,
  clientSecret: string,
): Promise<{ accessToken: string; expiresInSeconds: number }> {
  const token = await requestToken(keycloakUrl, realm, {
    grant_type: 'client_credentials',
    client_id: clientId,
    client_secret: clientSecret,
  });
  return { accessToken: token.access_token, expiresInSeconds: token.expires_in };
}
