import type { ServiceError } from '@grpc/grpc-js';
import { ServiceTokenProvider } from '@tradewarden/auth';
import type { KeycloakConfig, ServiceAccountConfig } from '@tradewarden/config';
import { ServiceClient } from '@tradewarden/grpc';
import { approvalV1, identityV1, type catalogueV1 } from '@tradewarden/proto';
import { IntakeError } from '../intake-errors';

/** Reads of Tradewarden's own configuration, for grant.* and approval_policy.* operations, as intake's service identity. */
export class PlatformStateClient {
  private readonly identity: ServiceClient<typeof identityV1.IdentityServiceService>;
  private readonly approval: ServiceClient<typeof approvalV1.ApprovalServiceService>;

  constructor(addresses: { identity: string; approval: string }, keycloak: KeycloakConfig, account: ServiceAccountConfig) {
    const tokens = new ServiceTokenProvider(keycloak, account);
    // Reads only, so one that found its instance gone is asked of another.
    this.identity = new ServiceClient(identityV1.IdentityServiceService, 'IdentityService', addresses.identity, tokens, 15000, { retryUnavailable: ['listGrants'] });
    this.approval = new ServiceClient(approvalV1.ApprovalServiceService, 'ApprovalService', addresses.approval, tokens, 15000, { retryUnavailable: ['listPolicies'] });
  }

  async grants(): Promise<identityV1.GrantRecord[]> {
    return this.read('identity', async () => (await this.identity.call('listGrants', { role: '' })).grants);
  }

  async policies(): Promise<catalogueV1.ApprovalPolicyParams[]> {
    return this.read('approval', async () => (await this.approval.call('listPolicies', {})).policies);
  }

  close(): void {
    this.identity.close();
    this.approval.close();
  }

  private async read<T>(service: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new IntakeError('LIVE_STATE_UNAVAILABLE', `the ${service} service is unavailable, nothing was submitted: ${(error as ServiceError).details ?? String(error)}`);
    }
  }
}
