import { auditV1 } from '@tradewarden/proto';
import { AuditError } from '../audit-errors';
import { describeFilter, parseSequence, recordFilterOf, selectsEverything } from './record-filter';

const request = (fields: Partial<auditV1.ListRecordsRequest>) => auditV1.ListRecordsRequest.fromPartial(fields);

describe('record filters', () => {
  it('takes each filter as its column holds it', () => {
    const filter = recordFilterOf(request({ account: '500001', result: 'APPLIED', actor: 'agent', occurredFrom: new Date('2026-11-01T00:00:00Z') }));
    expect(filter).toMatchObject({ account: '500001', itemStatus: 'ITEM_STATUS_APPLIED', actor: 'agent', occurredFrom: '2026-11-01T00:00:00.000Z' });
    expect(recordFilterOf(request({ result: 'ITEM_STATUS_DRIFTED' })).itemStatus).toBe('ITEM_STATUS_DRIFTED');
  });

  it.each([
    [{ account: '50000a' }, /account must be an MT account login/],
    [{ account: '1; DROP TABLE' }, /account/],
    [{ result: 'applied' }, /result must be an item status/],
    [{ occurredFrom: new Date('2026-11-02T00:00:00Z'), occurredTo: new Date('2026-11-01T00:00:00Z') }, /occurred_from must be before occurred_to/],
    [{ occurredFrom: new Date('nonsense') }, /occurred_from is not a valid time/],
  ])('refuses %p naming the field', (fields, message) => {
    expect(() => recordFilterOf(request(fields))).toThrow(AuditError);
    expect(() => recordFilterOf(request(fields))).toThrow(message);
  });

  it('knows when it selects everything, and states what it selects', () => {
    expect(selectsEverything(recordFilterOf(request({})))).toBe(true);
    const filter = recordFilterOf(request({ serverId: 'mt5-demo-1', result: 'REJECTED' }));
    expect(selectsEverything(filter)).toBe(false);
    expect(describeFilter(filter)).toEqual({ server_id: 'mt5-demo-1', result: 'REJECTED' });
  });

  it('reads sequence numbers and names the field of a bad one', () => {
    expect(parseSequence('', 'from_sequence')).toBeUndefined();
    expect(parseSequence('42', 'from_sequence')).toBe(42n);
    expect(() => parseSequence('-1', 'to_sequence')).toThrow(/to_sequence must be a sequence number/);
    expect(() => parseSequence('12345678901234567890', 'after_sequence')).toThrow(/after_sequence/);
  });
});
