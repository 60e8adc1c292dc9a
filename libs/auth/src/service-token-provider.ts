import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { fetchClientCredentialsToken } from './token-endpoint';

/** The service's own access token (client credentials), cached until shortly before it expires. */
export class ServiceTokenProvider {
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;

  constructor(
    private readonly keycloak: KeycloakConfig,
    private readonly account: ServiceAccountConfig,
  ) {}

  async token(): Promise<string> {
    if (this.cached && Date.now() < this.cached.refreshAt) return this.cached.token;
    this.pending ??= this.refresh().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async refresh(): Promise<string> {
    const { accessToken, expiresInSeconds } = await fetchClientCredentialsToken(
      this.keycloak.url,
      this.keycloak.realm,
      this.account.clientId,
      this.account.clientSecret,
    );
    // Refresh at 70% of the lifetime so a call never leaves with a token about to expire.
    this.cached = { token: accessToken, refreshAt: Date.now() + expiresInSeconds * 700 };
    return accessToken;
  }
}
