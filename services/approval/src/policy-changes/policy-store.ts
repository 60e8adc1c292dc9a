import { QueryFailedError, type EntityManager } from 'typeorm';
import { policyState, type PolicySettings } from '@tradewarden/platform-change';
import { ApprovalPolicyRow } from '../policy/approval-policy.entity';

/**
 * The approval policy of one name, inside a transaction that holds the name's lock: two changes of the same policy
 * apply one after the other, each seeing the other's result.
 */
export class NamedPolicyStore {
  private constructor(
    private readonly manager: EntityManager,
    private readonly name: string,
  ) {}

  static async lock(manager: EntityManager, name: string): Promise<NamedPolicyStore> {
    // A transaction-level lock on the name rather than a row lock: the row may not exist yet (a new policy).
    await manager.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`tradewarden.approval.policy:${name}`]);
    return new NamedPolicyStore(manager, name);
  }

  async state(): Promise<Record<string, string>> {
    const row = await this.manager.getRepository(ApprovalPolicyRow).findOneBy({ name: this.name });
    return policyState(row ?? undefined);
  }

  /** The policy exists with exactly these settings. */
  async set(settings: PolicySettings): Promise<void> {
    await this.manager.query(
      `INSERT INTO approval_policies (name, operation_type_pattern, mode, required_approvals, max_total_per_currency, priority, server_pattern, group_masks, max_accounts, approver_roles, ttl_seconds, server_tags)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (name) DO UPDATE SET operation_type_pattern = EXCLUDED.operation_type_pattern, mode = EXCLUDED.mode,
         required_approvals = EXCLUDED.required_approvals, max_total_per_currency = EXCLUDED.max_total_per_currency,
         priority = EXCLUDED.priority, server_pattern = EXCLUDED.server_pattern, group_masks = EXCLUDED.group_masks,
         max_accounts = EXCLUDED.max_accounts, approver_roles = EXCLUDED.approver_roles, ttl_seconds = EXCLUDED.ttl_seconds,
         server_tags = EXCLUDED.server_tags`,
      [
        this.name,
        settings.operationTypePattern,
        settings.mode,
        settings.requiredApprovals,
        settings.maxTotalPerCurrency,
        settings.priority,
        settings.serverPattern,
        [...settings.groupMasks],
        settings.maxAccounts,
        [...settings.approverRoles],
        settings.ttlSeconds,
        [...settings.serverTags],
      ],
    );
  }

  async remove(): Promise<void> {
    await this.manager.delete(ApprovalPolicyRow, { name: this.name });
  }
}

/**
 * PostgreSQL's refusal of a write for its data: a constraint (SQLSTATE class 23) or a value it cannot store (class 22,
 * e.g. a malformed amount). Anything else (a lost connection, a deadlock) fails the consumer's transaction instead, so
 * the command is retried.
 */
export function databaseRefusal(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const code = (error.driverError as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code) ? error.message : undefined;
}
