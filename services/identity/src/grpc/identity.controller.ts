import type { Metadata } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { callerOf, rpcError, ServiceRoleOnly } from '@tradewarden/grpc';
import { identityV1 } from '@tradewarden/proto';
import { AuthorizationService } from '../authorization/authorization.service';
import { GrantListingService } from '../authorization/grant-listing.service';

type Money = { amount: string; currency: string };

// The server decodes with proto-loader, which gives an absent message as null (ts-proto's types say undefined).
const present = <T>(value: T | null | undefined): T | undefined => value ?? undefined;
const money = (value: Money | null | undefined): Money | undefined => {
  const found = present(value);
  return found ? { amount: found.amount, currency: found.currency } : undefined;
};

@Controller()
@identityV1.IdentityServiceControllerMethods()
export class IdentityController implements identityV1.IdentityServiceController {
  constructor(
    private readonly authorization: AuthorizationService,
    private readonly grants: GrantListingService,
  ) {}

  @ServiceRoleOnly()
  async authorize(request: identityV1.AuthorizeRequest, metadata?: Metadata): Promise<identityV1.AuthorizeResponse> {
    const caller = callerOf(metadata);
    if (!request.actor?.subject) throw rpcError(status.INVALID_ARGUMENT, 'actor.subject is required');
    const resource = present(request.resource);
    return this.authorization.authorize(
      request.actor,
      {
        action: request.action,
        operationType: request.operationType,
        serverId: request.serverId,
        resource: resource && {
          group: resource.group,
          amount: money(resource.amount),
          operationTotals: resource.operationTotals ?? [],
          submittedToday: resource.submittedToday ?? [],
        },
      },
      { service: caller.actor.clientId, method: 'Authorize' },
    );
  }

  @ServiceRoleOnly()
  async authorizeBatch(request: identityV1.AuthorizeBatchRequest, metadata?: Metadata): Promise<identityV1.AuthorizeBatchResponse> {
    const caller = callerOf(metadata);
    if (!request.actor?.subject) throw rpcError(status.INVALID_ARGUMENT, 'actor.subject is required');
    return this.authorization.authorizeBatch(
      request.actor,
      {
        action: request.action,
        operationType: request.operationType,
        items: (request.items ?? []).map((item) => ({ serverId: item.serverId, group: item.group, amount: money(item.amount) })),
        operationTotals: request.operationTotals ?? [],
        submittedToday: request.submittedToday ?? [],
        continuesDecisionId: request.continuesDecisionId,
      },
      { service: caller.actor.clientId, method: 'AuthorizeBatch' },
    );
  }

  @ServiceRoleOnly()
  async listGrants(request: identityV1.ListGrantsRequest): Promise<identityV1.ListGrantsResponse> {
    return this.grants.list(request.role ?? '');
  }

  async whoAmI(_request: identityV1.WhoAmIRequest, metadata?: Metadata): Promise<identityV1.WhoAmIResponse> {
    const { actor } = callerOf(metadata);
    return { actor, ...(await this.authorization.permissionsOf(actor.roles)) };
  }
}
