import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

/** What a record says; the hash covers all of it plus the previous record's hash. */
export interface AuditContent {
  sequence: string;
  occurredAt: string;
  eventId: string;
  eventType: string;
  sourceTopic: string;
  actorSubject: string;
  actorUsername: string;
  actorRoles: string[];
  actorClient: string;
  operationId: string;
  serverId: string;
  traceId: string;
  details: unknown;
}

/**
 * Exactly what the hash covers, taken from anything that carries it (a stored row, a record read from the stream or
 * from an export): extra fields such as recordedAt or accounts are left out, as the hash leaves them out.
 */
export function auditContentOf(source: AuditContent): AuditContent {
  return {
    sequence: source.sequence,
    occurredAt: source.occurredAt,
    eventId: source.eventId,
    eventType: source.eventType,
    sourceTopic: source.sourceTopic,
    actorSubject: source.actorSubject,
    actorUsername: source.actorUsername,
    actorRoles: source.actorRoles,
    actorClient: source.actorClient,
    operationId: source.operationId,
    serverId: source.serverId,
    traceId: source.traceId,
    details: source.details,
  };
}

export interface ChainedRecord extends AuditContent {
  previousHash: string;
  hash: string;
}

/** SHA-256 over previous hash ++ RFC 8785 canonical JSON of the content. */
export function recordHash(previousHash: string, content: AuditContent): string {
  const canonical = canonicalize(content);
  if (canonical === undefined) throw new Error('audit content cannot be canonicalized');
  return createHash('sha256').update(previousHash, 'utf8').update(canonical, 'utf8').digest('hex');
}

export type ChainVerdict = { valid: true; checked: number } | { valid: false; checked: number; firstBadSequence: string; reason: string };

/**
 * Verifies records in sequence order: consecutive sequence numbers from `expectFirst`, each linked to the previous
 * hash, each hash matching its content. Names the first record that fails.
 */
export function verifyChain(records: readonly ChainedRecord[], expectFirst: { sequence: bigint; previousHash: string }): ChainVerdict {
  let expectedSequence = expectFirst.sequence;
  let previousHash = expectFirst.previousHash;
  for (const [index, record] of records.entries()) {
    const { previousHash: claimedPrevious, hash, ...content } = record;
    const fail = (reason: string): ChainVerdict => ({ valid: false, checked: index, firstBadSequence: record.sequence, reason });
    if (BigInt(record.sequence) !== expectedSequence) {
      return { valid: false, checked: index, firstBadSequence: expectedSequence.toString(), reason: `expected sequence ${expectedSequence}, found ${record.sequence} (missing or reordered record)` };
    }
    if (claimedPrevious !== previousHash) return fail('previous hash does not link to the record before it');
    if (recordHash(claimedPrevious, content) !== hash) return fail('content does not match its hash (record altered)');
    previousHash = hash;
    expectedSequence += 1n;
  }
  return { valid: true, checked: records.length };
}
