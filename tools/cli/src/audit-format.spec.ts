import type { ExportVerdict } from '@tradewarden/audit-export';
import { auditV1 } from '@tradewarden/proto';
import { formatChainVerdict, formatCheckpointCheck, formatExportVerdict, formatRecordTable } from './audit-format';

const record = (fields: Partial<auditV1.AuditRecord>) =>
  auditV1.AuditRecord.fromPartial({ sequence: '1', occurredAt: new Date('2026-11-27T08:00:00.123Z'), eventType: 'OperationSubmitted', actorUsername: 'agent', detailsJson: '{}', ...fields });

describe('audit output', () => {
  it('tabulates records with their outcome and accounts, and says how to page on', () => {
    const text = formatRecordTable(
      [
        record({ sequence: '7', eventType: 'ItemExecuted', actorUsername: 'service:gateway', detailsJson: '{"status":"ITEM_STATUS_APPLIED"}', accounts: ['500001'], serverId: 'mt5-demo-1' }),
        record({ sequence: '8', eventType: 'AccessDenied', detailsJson: '{"permission":"submit"}', accounts: ['1', '2', '3', '4', '5'] }),
        record({ sequence: '9', detailsJson: 'not json' }),
      ],
      '9',
    );
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^seq\s+occurred\s+event\s+actor\s+operation\s+server\s+accounts\s+outcome$/);
    expect(lines[1]).toMatch(/^7\s+2026-11-27T08:00:00Z\s+ItemExecuted\s+service:gateway\s+-\s+mt5-demo-1\s+500001\s+APPLIED$/);
    expect(lines[2]).toMatch(/AccessDenied\s+agent\s+-\s+-\s+1,2,3 \+2\s+DENIED$/);
    expect(lines[3]).toMatch(/OperationSubmitted\s+agent\s+-\s+-\s+-\s+-$/);
    expect(lines[4]).toBe('(more records match: --after 9)');
    expect(formatRecordTable([], '')).toBe('no records');
  });

  it('states a chain verdict with the first bad sequence', () => {
    expect(formatChainVerdict({ valid: true, recordsChecked: '42', firstBadSequence: '', reason: '' })).toBe('chain valid: 42 records recomputed');
    expect(formatChainVerdict({ valid: false, recordsChecked: '6', firstBadSequence: '7', reason: 'content does not match its hash (record altered)' })).toBe(
      'chain INVALID at sequence 7: content does not match its hash (record altered) (6 records verified before it)',
    );
  });

  it('states which key the checkpoints were checked with, and each problem', () => {
    expect(formatCheckpointCheck({ checked: 3, problems: [], lastSequence: '3000', keyId: 'abcd' }, 'the key in broker.pem')).toBe(
      '3 signed checkpoints verified with the key in broker.pem (key abcd); the latest vouches for the chain up to 3000',
    );
    expect(formatCheckpointCheck({ checked: 2, problems: ['checkpoint 1000: the signature does not verify with this key'] }, 'k')).toBe(
      'checkpoints INVALID (1 of 2):\n  checkpoint 1000: the signature does not verify with this key',
    );
    expect(formatCheckpointCheck({ checked: 0, problems: [] }, 'k')).toBe('no signed checkpoints yet');
  });

  it('states an export verdict with what it proves and what it does not', () => {
    const base: ExportVerdict = {
      valid: true,
      records: 1500,
      firstSequence: '1',
      lastSequence: '1500',
      complete: false,
      filters: { account: '500001' },
      gaps: 4,
      checkpointsVerified: 1,
      lastSignedSequence: '1000',
      lastSignedHash: 'ab',
      signedRecords: 1000,
      unsignedTail: 500,
      keyId: 'k1',
      scope: 'each record is intact; completeness is not proven',
      notes: ['the header is not signed'],
    };
    const text = formatExportVerdict(base);
    expect(text).toContain('export valid: 1,500 records (sequences 1-1500), filtered by account=500001');
    expect(text).toContain('1 checkpoints verified with key k1; 1,000 records vouched for by a signature (up to 1000, head hash ab)');
    expect(text).toContain('500 records after the last checkpoint are consistent but not signed');
    expect(text).toContain('note: the header is not signed');
    expect(formatExportVerdict({ ...base, valid: false, firstBadSequence: '6', line: 7, reason: 'content does not match its hash' })).toMatch(/^export INVALID at sequence 6 \(line 7\): content does not match its hash/);
  });
});
