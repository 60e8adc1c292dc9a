import { ServiceTokenProvider } from '@tradewarden/auth';
import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { ServiceClient } from '@tradewarden/grpc';
import { identityV1, type commonV1 } from '@tradewarden/proto';

/** The caller lacks a permission; the reason names it, the decision id ties the refusal to the audit trail. */
export class PermissionDeniedError extends Error {
  constructor(
    readonly reason: string,
    readonly decisionId: string,
  ) {
    super(reason);
    this.name = 'PermissionDeniedError';
  }
}

export interface AuthorizationCheck {
  action: 'submit' | 'approve' | 'view' | 'cancel' | 'admin';
  operationType: string;
  serverId?: string;
}

/**
 * Asks the identity service, the one authorization choke point, whether an actor may act. Every service uses this for
 * every permission decision; none decides on roles by itself.
 */
export class AuthorizationClient {
  private readonly client: ServiceClient<typeof identityV1.IdentityServiceService>;

  constructor(identityAddress: string, keycloak: KeycloakConfig, account: ServiceAccountConfig) {
    this.client = new ServiceClient(identityV1.IdentityServiceService, 'IdentityService', identityAddress, new ServiceTokenProvider(keycloak, account));
  }

  async authorize(actor: commonV1.Actor, check: AuthorizationCheck): Promise<identityV1.AuthorizeResponse> {
    return this.client.call('authorize', {
      actor,
      action: check.action,
      operationType: check.operationType,
      serverId: check.serverId ?? '',
    });
  }

  /** Resolves with the decision when allowed; throws PermissionDeniedError otherwise. */
  async require(actor: commonV1.Actor, check: AuthorizationCheck): Promise<identityV1.AuthorizeResponse> {
    const decision = await this.authorize(actor, check);
    if (!decision.allowed) throw new PermissionDeniedError(decision.reason, decision.decisionId);
    return decision;
  }

  close(): void {
    this.client.close();
  }
}
