import Config = require('keycloak-connect/middleware/auth-utils/config');
import GrantManager = require('keycloak-connect/middleware/auth-utils/grant-manager');
import Token = require('keycloak-connect/middleware/auth-utils/token');
import type { KeycloakConfig } from '@tradewarden/config';
import { commonV1 } from '@tradewarden/proto';
import { TradewardenRoles } from './roles';

/** The token is missing, malformed, expired, wrongly signed or meant for someone else. */
export class AuthenticationError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'AuthenticationError';
  }
}

export interface VerifiedCaller {
  actor: commonV1.Actor;
  accessToken: string;
  expiresAt: Date;
}

const ACCEPTED_ALGORITHMS = new Set(['RS256']);

/**
 * Validates Keycloak access tokens with keycloak-connect's GrantManager: RS256 signature against the realm's
 * published keys (fetched and rotated by kid), issuer, `typ: Bearer`, audience and expiry.
 */
export class KeycloakTokenVerifier {
  private readonly grantManager: GrantManager;
  private readonly audience: string;

  constructor(config: KeycloakConfig) {
    this.audience = config.audience;
    const keycloakConfig = new Config({
      realm: config.realm,
      'auth-server-url': config.url.replace(/\/$/, ''),
      resource: config.audience,
      'bearer-only': true,
      'verify-token-audience': true,
      'min-time-between-jwks-requests': 10,
    });
    this.grantManager = new GrantManager(keycloakConfig);
  }

  async verify(authorization: string | undefined): Promise<VerifiedCaller> {
    if (!authorization) throw new AuthenticationError('missing authorization metadata (expected "Bearer <token>")');
    const match = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*)$/i.exec(authorization.trim());
    if (!match) throw new AuthenticationError('authorization metadata is not a bearer JWT');
    let token: Token;
    try {
      token = new Token(match[1]!, this.audience);
    } catch {
      throw new AuthenticationError('bearer token is not a well-formed JWT');
    }
    // GrantManager verifies RS256 only; refuse other algorithms (notably "none") before it looks at the token.
    if (!token.header || !ACCEPTED_ALGORITHMS.has(token.header.alg ?? '')) {
      throw new AuthenticationError(`token algorithm ${JSON.stringify(token.header?.alg)} is not accepted`);
    }
    try {
      await this.grantManager.validateToken(token, 'Bearer');
    } catch (error) {
      throw new AuthenticationError((error as Error).message);
    }
    return { actor: actorFromClaims(token.content), accessToken: token.token, expiresAt: new Date((token.content.exp ?? 0) * 1000) };
  }
}

function actorFromClaims(claims: Record<string, unknown>): commonV1.Actor {
  const realmAccess = claims['realm_access'] as { roles?: unknown } | undefined;
  const allRoles = Array.isArray(realmAccess?.roles) ? (realmAccess.roles as unknown[]).filter((r): r is string => typeof r === 'string') : [];
  const roles = allRoles.filter((role) => (TradewardenRoles as readonly string[]).includes(role)).sort();
  const username = typeof claims['preferred_username'] === 'string' ? claims['preferred_username'] : '';
  return commonV1.Actor.fromPartial({
    subject: typeof claims['sub'] === 'string' ? claims['sub'] : '',
    username,
    kind: username.startsWith('service-account-') ? commonV1.ActorKind.ACTOR_KIND_SERVICE : commonV1.ActorKind.ACTOR_KIND_USER,
    roles,
    clientId: typeof claims['azp'] === 'string' ? claims['azp'] : '',
  });
}
