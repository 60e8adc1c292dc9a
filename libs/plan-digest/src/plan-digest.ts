import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { operationV1 } from '@tradewarden/proto';

/**
 * SHA-256 (hex) over the RFC 8785 canonical JSON of a plan's operation type and items (spec, before, after). The
 * digest field itself is excluded. Approvals bind this value: any change to what would run changes it.
 */
export function planDigest(plan: Pick<operationV1.OperationPlan, 'operationType' | 'items'>): string {
  const json = operationV1.OperationPlan.toJSON({ operationType: plan.operationType, items: plan.items, digest: '' }) as Record<string, unknown>;
  delete json['digest'];
  const canonical = canonicalize(json);
  if (canonical === undefined) throw new Error('plan cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}
