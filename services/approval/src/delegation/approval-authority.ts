import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { AuthorizationClient, PermissionDeniedError } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { commonV1 } from '@tradewarden/proto';
import { operationTypeMatches } from './delegation-rules';
import { ApprovalDelegationRow } from './approval-delegation.entity';

/** The permission a decision is taken with: the person's own, or a delegator's they hold a delegation from. */
export interface ApprovalAuthority {
  /** Whose approve permission the decision is taken with: the person, or the delegator. */
  actor: commonV1.Actor;
  roles: readonly string[];
  onBehalfOf?: { subject: string; username: string };
}

/**
 * Finds the authority with which a person may approve an operation type on a set of servers: their own approve
 * permission (admins included, no bypass) or, failing that, that of someone who delegated to them and holds it. Every
 * check goes through the identity service's Authorize, the one choke point.
 */
@Injectable()
export class ApprovalAuthorityService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
  ) {}

  async authorityFor(actor: commonV1.Actor, operationType: string, serverIds: readonly string[], at: Date): Promise<ApprovalAuthority> {
    const own = await this.mayApprove(actor, operationType, serverIds);
    if (own === true) return { actor, roles: actor.roles };
    for (const delegation of await this.delegationsTo(actor.username, at)) {
      if (!operationTypeMatches(delegation.operationTypePattern, operationType)) continue;
      const delegator = commonV1.Actor.fromJSON(delegation.delegatorActor);
      if ((await this.mayApprove(delegator, operationType, serverIds)) === true) {
        return { actor: delegator, roles: delegator.roles, onBehalfOf: { subject: delegation.delegatorSubject, username: delegation.delegatorUsername } };
      }
    }
    throw own;
  }

  /** Delegations in force to a user at a time. */
  delegationsTo(username: string, at: Date): Promise<ApprovalDelegationRow[]> {
    return this.dataSource.getRepository(ApprovalDelegationRow).find({
      where: { delegateUsername: username, validFrom: LessThanOrEqual(at), validUntil: MoreThan(at), revokedAt: IsNull() },
      order: { validFrom: 'ASC' },
    });
  }

  private async mayApprove(actor: commonV1.Actor, operationType: string, serverIds: readonly string[]): Promise<true | PermissionDeniedError> {
    for (const serverId of serverIds.length > 0 ? serverIds : ['']) {
      const decision = await this.authorization.authorize(actor, { action: 'approve', operationType, serverId });
      if (!decision.allowed) return new PermissionDeniedError(decision.reason, decision.decisionId);
    }
    return true;
  }
}
