import { createHash, type Hash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { operationV1 } from '@tradewarden/proto';

const DOMAIN = 'tradewarden.plan.v2';

/** SHA-256 (hex) of the RFC 8785 canonical JSON of one item's plan (spec, before, after, change, revert, warnings). */
export function itemDigest(item: operationV1.ItemPlan): string {
  const canonical = canonicalize(operationV1.ItemPlan.toJSON(item));
  if (canonical === undefined) throw new Error('item plan cannot be canonicalized');
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

/**
 * Builds a plan digest item by item, so that a plan of 100,000 items is digested without holding it: SHA-256 over a
 * domain tag, the operation type, the execution options and each item's digest in row order. Any change to what would
 * run, to how it runs, or to the order, changes it.
 */
export class PlanDigestBuilder {
  private readonly hash: Hash = createHash('sha256');
  private finished = false;

  constructor(operationType: string, executionOptions = '') {
    this.hash.update(`${DOMAIN}\n${JSON.stringify(operationType)}\n${JSON.stringify(executionOptions)}\n`, 'utf8');
  }

  add(item: operationV1.ItemPlan): this {
    if (this.finished) throw new Error('the digest is already finished');
    this.hash.update(`${itemDigest(item)}\n`, 'utf8');
    return this;
  }

  digest(): string {
    this.finished = true;
    return this.hash.digest('hex');
  }
}

/** The digest of a whole plan held in memory (the items of `plan`, in the order given). */
export function planDigest(plan: Pick<operationV1.OperationPlan, 'operationType' | 'items'> & { executionOptions?: string }): string {
  const builder = new PlanDigestBuilder(plan.operationType, plan.executionOptions ?? '');
  for (const item of plan.items) builder.add(item);
  return builder.digest();
}
