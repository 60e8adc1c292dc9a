import { createHash } from 'node:crypto';

export const Actions = ['submit', 'approve', 'view', 'cancel', 'admin'] as const;
export type Action = (typeof Actions)[number];

export interface Grant {
  role: string;
  action: Action;
  /** Operation type or glob, e.g. "balance.*", "*", "audit.trail". */
  operationTypePattern: string;
  /** Server registry id or glob; "*" for every server. */
  serverPattern: string;
}

export interface AuthorizationQuery {
  roles: readonly string[];
  action: string;
  operationType: string;
  serverId: string;
}

export type Decision = { allowed: true; grant: Grant } | { allowed: false; reason: string };

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return regex.test(value);
}

export function isAction(value: string): value is Action {
  return (Actions as readonly string[]).includes(value);
}

/**
 * The permission rule: allowed when one of the actor's roles holds a grant for the action on the operation type,
 * on that server. Deny by default, with a reason naming the missing permission.
 */
export function decide(grants: readonly Grant[], query: AuthorizationQuery): Decision {
  if (!isAction(query.action)) return { allowed: false, reason: `unknown action "${query.action}"` };
  const server = query.serverId || '*';
  const grant = grants.find(
    (candidate) =>
      query.roles.includes(candidate.role) &&
      candidate.action === query.action &&
      globMatches(candidate.operationTypePattern, query.operationType) &&
      (candidate.serverPattern === '*' || globMatches(candidate.serverPattern, server)),
  );
  if (grant) return { allowed: true, grant };
  const where = query.serverId ? ` on server ${query.serverId}` : '';
  const roles = query.roles.length > 0 ? query.roles.join(', ') : 'none';
  return { allowed: false, reason: `missing permission "${query.action}" for "${query.operationType}"${where} (roles: ${roles})` };
}

/** A short digest of the grant set a decision was taken under, recorded with every decision. */
export function policyVersion(grants: readonly Grant[]): string {
  const canonical = grants
    .map((grant) => [grant.role, grant.action, grant.operationTypePattern, grant.serverPattern].join('|'))
    .sort()
    .join('\n');
  return createHash('sha256').update(canonical).digest('hex').slice(0, 16);
}
