import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { IsNull, MoreThan } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { approvalV1, commonV1 } from '@tradewarden/proto';
import { ApprovalError } from '../approval-errors';
import { ApprovalDelegationRow } from './approval-delegation.entity';
import { delegationIssues } from './delegation-rules';

function toDelegation(row: ApprovalDelegationRow): approvalV1.Delegation {
  return {
    delegationId: row.delegationId,
    delegator: row.delegatorUsername,
    delegate: row.delegateUsername,
    operationTypePattern: row.operationTypePattern,
    validFrom: row.validFrom,
    validUntil: row.validUntil,
    reason: row.reason,
    revokedAt: row.revokedAt ?? undefined,
  };
}

/**
 * Delegations of approval rights: a user lends their approve permission for some operation types to another user
 * until a time. Only someone who holds the permission can lend it; each grant and revocation is an event for the audit
 * trail, written with the change.
 */
@Injectable()
export class DelegationService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly authorization: AuthorizationClient,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
  ) {}

  async delegate(actor: commonV1.Actor, request: approvalV1.DelegateApprovalsRequest): Promise<approvalV1.Delegation> {
    const now = new Date();
    const issues = delegationIssues({ delegator: actor.username, delegate: request.delegate, operationTypePattern: request.operationTypePattern, validUntil: request.validUntil, reason: request.reason }, now);
    if (issues.length > 0) throw new ApprovalError('INVALID_ARGUMENT', `invalid delegation, nothing was recorded: ${issues.join('; ')}`);
    // What is lent must be held: the approve permission for the whole pattern (a grant on "balance.*" covers "balance.*").
    await this.authorization.require(actor, { action: 'approve', operationType: request.operationTypePattern });
    const row = await this.dataSource.transaction(async (manager) => {
      const saved: ApprovalDelegationRow = {
        delegationId: randomUUID(),
        delegatorSubject: actor.subject,
        delegatorUsername: actor.username,
        delegatorActor: commonV1.Actor.toJSON(actor) as object,
        delegateUsername: request.delegate,
        operationTypePattern: request.operationTypePattern,
        validFrom: now,
        validUntil: request.validUntil!,
        reason: request.reason.trim(),
        revokedAt: null,
      };
      await manager.insert(ApprovalDelegationRow, saved);
      await this.record(manager, actor, saved, 'granted');
      return saved;
    });
    this.messaging.publishSoon();
    return toDelegation(row);
  }

  /** Ends a delegation at once; by its delegator, or by an admin of approvals. */
  async revoke(actor: commonV1.Actor, delegationId: string): Promise<approvalV1.Delegation> {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(delegationId)) throw new ApprovalError('INVALID_ARGUMENT', 'delegation_id: must be a UUID');
    const found = await this.dataSource.getRepository(ApprovalDelegationRow).findOneBy({ delegationId });
    if (!found) throw new ApprovalError('NOT_FOUND', `no delegation ${delegationId}`);
    if (found.delegatorSubject !== actor.subject) await this.authorization.require(actor, { action: 'admin', operationType: 'approval.delegation' });
    const row = await this.dataSource.transaction(async (manager) => {
      const current = await manager.getRepository(ApprovalDelegationRow).findOne({ where: { delegationId }, lock: { mode: 'pessimistic_write' } });
      if (current!.revokedAt) return current!;
      current!.revokedAt = new Date();
      await manager.update(ApprovalDelegationRow, { delegationId }, { revokedAt: current!.revokedAt });
      await this.record(manager, actor, current!, 'revoked');
      return current!;
    });
    this.messaging.publishSoon();
    return toDelegation(row);
  }

  /** Delegations still in force that the caller gave or received. */
  async list(actor: commonV1.Actor): Promise<approvalV1.Delegation[]> {
    const now = new Date();
    const rows = await this.dataSource.getRepository(ApprovalDelegationRow).find({
      where: [
        { delegatorSubject: actor.subject, validUntil: MoreThan(now), revokedAt: IsNull() },
        { delegateUsername: actor.username, validUntil: MoreThan(now), revokedAt: IsNull() },
      ],
      order: { validFrom: 'ASC' },
    });
    return rows.map(toDelegation);
  }

  private async record(manager: Parameters<OutboxWriter['add']>[0], actor: commonV1.Actor, row: ApprovalDelegationRow, change: 'granted' | 'revoked'): Promise<void> {
    await this.outbox.add(
      manager,
      Topics.delegationEvents,
      row.delegatorUsername,
      buildEnvelope(
        {
          approvalDelegationChanged: {
            delegationId: row.delegationId,
            change,
            delegator: row.delegatorUsername,
            delegate: row.delegateUsername,
            operationTypePattern: row.operationTypePattern,
            validFrom: row.validFrom,
            validUntil: row.validUntil,
            reason: row.reason,
          },
        },
        { actor, producer: 'approval', aggregateId: row.delegatorUsername },
      ),
    );
  }
}
