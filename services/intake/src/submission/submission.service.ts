import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import canonicalize from 'canonicalize';
import type { DataSource, EntityManager } from 'typeorm';
import { AuthorizationClient } from '@tradewarden/authorization-client';
import { DATA_SOURCE, isUniqueViolation } from '@tradewarden/database';
import { buildEnvelope, MessagingRuntime, OutboxWriter, Topics } from '@tradewarden/messaging';
import { DecimalAmount } from '@tradewarden/money';
import { planDigest } from '@tradewarden/plan-digest';
import { intakeV1, operationV1, type commonV1, type gatewayV1 } from '@tradewarden/proto';
import { injectTraceHeaders } from '@tradewarden/telemetry';
import { CURRENCY_DIGITS, validateDepositRequest, type FieldError } from '../domain/deposit-validation';
import { IntakeError } from '../intake-errors';
import { OperationItemRow } from '../persistence/operation-item.entity';
import { OperationRow } from '../persistence/operation.entity';
import { LiveStateClient } from './live-state.client';
import { toOperationView } from './operation-view';

export interface SubmissionResult {
  operation: intakeV1.Operation;
  replayed: boolean;
}

function requestHash(request: intakeV1.SubmitOperationRequest): string {
  return createHash('sha256').update(canonicalize(intakeV1.SubmitOperationRequest.toJSON(request)) ?? '').digest('hex');
}

/**
 * SubmitOperation: static validation, idempotency, authorization per server, live validation through the gateway,
 * the plan with its digest, then the operation, its items and its OperationSubmitted event in one transaction.
 * Nothing is stored when anything fails.
 */
@Injectable()
export class SubmissionService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
    private readonly messaging: MessagingRuntime,
    private readonly authorization: AuthorizationClient,
    private readonly liveState: LiveStateClient,
  ) {}

  async submit(actor: commonV1.Actor, request: intakeV1.SubmitOperationRequest): Promise<SubmissionResult> {
    const staticErrors = validateDepositRequest(request);
    if (staticErrors.length > 0) throw IntakeError.validation(staticErrors);
    const hash = requestHash(request);
    const replay = await this.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
    if (replay) return replay;

    const serverIds = [...new Set(request.items.map((item) => item.serverId))];
    let decisionId = '';
    for (const serverId of serverIds) {
      const decision = await this.authorization.require(actor, { action: 'submit', operationType: request.operationType, serverId });
      decisionId ||= decision.decisionId;
    }

    const items = await this.plan(request);
    const digest = planDigest({ operationType: request.operationType, items });
    const operationId = randomUUID();
    try {
      await this.dataSource.transaction(async (manager) => {
        await manager.insert(OperationRow, {
          operationId,
          clientRequestId: request.clientRequestId,
          requestHash: hash,
          submittedBy: actor.subject,
          submittedByUsername: actor.username,
          operationType: request.operationType,
          status: 'SUBMITTED',
          planDigest: digest,
          decisionId,
          traceparent: injectTraceHeaders()['traceparent'] ?? null,
        });
        await manager.insert(
          OperationItemRow,
          items.map((item) => ({
            itemId: item.itemId,
            operationId,
            rowNumber: item.rowNumber,
            serverId: item.spec!.serverId,
            spec: operationV1.OperationItemSpec.toJSON(item.spec!) as object,
            change: operationV1.MtChange.toJSON(item.change!) as object,
            before: item.before,
            after: item.after,
            status: 'PENDING' as const,
          })),
        );
        await this.outbox.add(
          manager,
          Topics.operationEvents,
          operationId,
          buildEnvelope(
            { operationSubmitted: { operationId, clientRequestId: request.clientRequestId, plan: { operationType: request.operationType, items, digest }, decisionId } },
            { actor, producer: 'intake', aggregateId: operationId },
          ),
        );
      });
    } catch (error) {
      // A concurrent repeat of the same request won the race: answer with its operation.
      if (isUniqueViolation(error, 'operations_submitter_request_key')) {
        const winner = await this.findReplay(this.dataSource.manager, actor, request.clientRequestId, hash);
        if (winner) return winner;
      }
      throw error;
    }
    this.messaging.publishSoon();
    return { operation: await this.view(operationId), replayed: false };
  }

  async view(operationId: string): Promise<intakeV1.Operation> {
    const operation = await this.dataSource.getRepository(OperationRow).findOneBy({ operationId });
    if (!operation) throw new IntakeError('NOT_FOUND', `no operation ${operationId}`);
    const items = await this.dataSource.getRepository(OperationItemRow).find({ where: { operationId }, order: { rowNumber: 'ASC' } });
    return toOperationView(operation, items);
  }

  private async findReplay(manager: EntityManager, actor: commonV1.Actor, clientRequestId: string, hash: string): Promise<SubmissionResult | undefined> {
    const existing = await manager.getRepository(OperationRow).findOneBy({ submittedBy: actor.subject, clientRequestId });
    if (!existing) return undefined;
    if (existing.requestHash !== hash) {
      throw new IntakeError(
        'IDEMPOTENCY_CONFLICT',
        `client_request_id "${clientRequestId}" was already used for a different request (operation ${existing.operationId})`,
      );
    }
    return { operation: await this.view(existing.operationId), replayed: true };
  }

  /** Reads each item's live before-state and computes its after-state; collects every problem before failing. */
  private async plan(request: intakeV1.SubmitOperationRequest): Promise<operationV1.ItemPlan[]> {
    const known = await this.liveState.servers();
    const loginsByServer = new Map<string, string[]>();
    for (const spec of request.items) {
      if (known.get(spec.serverId)?.enabled) loginsByServer.set(spec.serverId, [...(loginsByServer.get(spec.serverId) ?? []), spec.balanceDeposit!.login]);
    }
    const accountsByServer = new Map<string, Map<string, gatewayV1.Account>>();
    for (const [serverId, logins] of loginsByServer) accountsByServer.set(serverId, await this.liveState.accounts(serverId, logins));
    const errors: FieldError[] = [];
    const plans: operationV1.ItemPlan[] = [];
    for (const [index, spec] of request.items.entries()) {
      const at = `items[${index}]`;
      const deposit = spec.balanceDeposit!;
      const server = known.get(spec.serverId);
      if (!server) {
        errors.push({ field: `${at}.server_id`, code: 'UNKNOWN_SERVER', message: `no MT server "${spec.serverId}" is registered` });
        continue;
      }
      if (!server.enabled) {
        errors.push({ field: `${at}.server_id`, code: 'SERVER_DISABLED', message: `MT server "${spec.serverId}" is out of service` });
        continue;
      }
      const account = accountsByServer.get(spec.serverId)?.get(deposit.login);
      if (!account) {
        errors.push({ field: `${at}.balance_deposit.login`, code: 'ACCOUNT_NOT_FOUND', message: `account ${deposit.login} does not exist on ${spec.serverId}` });
        continue;
      }
      const currency = account.balance?.currency ?? '';
      if (currency !== deposit.amount!.currency) {
        errors.push({
          field: `${at}.balance_deposit.amount.currency`,
          code: 'CURRENCY_MISMATCH',
          message: `account ${deposit.login} is in ${currency || 'an unknown currency'}, not ${deposit.amount!.currency}`,
        });
        continue;
      }
      const digits = CURRENCY_DIGITS[currency] ?? 2;
      const balance = DecimalAmount.parse(account.balance!.amount, 8);
      const amount = DecimalAmount.parse(deposit.amount!.amount, digits);
      const before = { login: account.login, group: account.group, currency, balance: balance.format(digits) };
      plans.push({
        itemId: randomUUID(),
        rowNumber: index + 1,
        spec,
        before,
        after: { ...before, balance: balance.plus(amount).format(digits) },
        change: { balance: { login: account.login, dealType: operationV1.BalanceDealType.BALANCE_DEAL_TYPE_BALANCE, amount: amount.format(digits), currency } },
      });
    }
    if (errors.length > 0) throw IntakeError.validation(errors);
    return plans;
  }
}
