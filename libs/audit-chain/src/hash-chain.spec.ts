import { GENESIS_HASH, recordHash, verifyChain, type AuditContent, type ChainedRecord } from './hash-chain';

function chain(count: number): ChainedRecord[] {
  const records: ChainedRecord[] = [];
  let previousHash = GENESIS_HASH;
  for (let i = 1; i <= count; i += 1) {
    const content: AuditContent = {
      sequence: String(i),
      occurredAt: `2026-11-27T00:00:0${i}.000Z`,
      eventId: `00000000-0000-4000-8000-00000000000${i}`,
      eventType: 'OperationSubmitted',
      sourceTopic: 'tradewarden.intake.operation-events.v1',
      actorSubject: 'user-1',
      actorUsername: 'agent',
      actorRoles: ['ops-agent'],
      actorClient: 'tradewarden-cli',
      operationId: 'op-1',
      serverId: 'mt5-demo-1',
      traceId: 'a'.repeat(32),
      details: { amount: `${i}00.00`, nested: { b: 1, a: 2 } },
    };
    const hash = recordHash(previousHash, content);
    records.push({ ...content, previousHash, hash });
    previousHash = hash;
  }
  return records;
}

const start = { sequence: 1n, previousHash: GENESIS_HASH };

describe('audit hash chain', () => {
  it('verifies an intact chain', () => {
    expect(verifyChain(chain(5), start)).toEqual({ valid: true, checked: 5 });
  });

  it('detects an edited record', () => {
    const records = chain(5);
    records[2] = { ...records[2]!, details: { amount: '999999.00', nested: { b: 1, a: 2 } } };
    expect(verifyChain(records, start)).toMatchObject({ valid: false, firstBadSequence: '3', reason: expect.stringContaining('altered') });
  });

  it('detects a deleted record', () => {
    const records = chain(5);
    records.splice(1, 1);
    expect(verifyChain(records, start)).toMatchObject({ valid: false, firstBadSequence: '2' });
  });

  it('detects reordered records', () => {
    const records = chain(5);
    [records[2], records[3]] = [records[3]!, records[2]!];
    expect(verifyChain(records, start)).toMatchObject({ valid: false, firstBadSequence: '3' });
  });

  it('detects an inserted record even with a recomputed hash', () => {
    const records = chain(4);
    const forged = { ...records[1]!, eventId: 'forged' };
    forged.hash = recordHash(forged.previousHash, (({ previousHash: _p, hash: _h, ...content }) => content)(forged));
    records.splice(2, 0, { ...forged, sequence: '3' });
    expect(verifyChain(records, start)).toMatchObject({ valid: false, firstBadSequence: '3' });
  });

  it('hashes canonical JSON, so key order does not matter', () => {
    const [record] = chain(1);
    const { previousHash, hash, ...content } = record!;
    expect(recordHash(previousHash, { ...content, details: { nested: { a: 2, b: 1 }, amount: '100.00' } })).toBe(hash);
  });
});
