import type { Metadata } from '@grpc/grpc-js';
import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { callerOf, rpcError, ServiceRoleOnly } from '@tradewarden/grpc';
import { identityV1 } from '@tradewarden/proto';
import { AuthorizationService } from '../authorization/authorization.service';

@Controller()
@identityV1.IdentityServiceControllerMethods()
export class IdentityController implements identityV1.IdentityServiceController {
  constructor(private readonly authorization: AuthorizationService) {}

  @ServiceRoleOnly()
  async authorize(request: identityV1.AuthorizeRequest, metadata?: Metadata): Promise<identityV1.AuthorizeResponse> {
    const caller = callerOf(metadata);
    if (!request.actor?.subject) throw rpcError(status.INVALID_ARGUMENT, 'actor.subject is required');
    return this.authorization.authorize(
      request.actor,
      { action: request.action, operationType: request.operationType, serverId: request.serverId },
      { service: caller.actor.clientId, method: 'Authorize' },
    );
  }

  async whoAmI(_request: identityV1.WhoAmIRequest, metadata?: Metadata): Promise<identityV1.WhoAmIResponse> {
    const { actor } = callerOf(metadata);
    return { actor, permissions: await this.authorization.permissionsOf(actor.roles) };
  }
}
