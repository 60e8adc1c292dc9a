import { eventsV1 } from '@tradewarden/proto';
import { buildEnvelope, encodeEnvelopeJson } from './envelope';
import { jsonCopyRowId } from './outbox-writer';

describe('JSON copies of events', () => {
  it('gives the copy a stable row id of its own, shaped as a UUID', () => {
    const id = jsonCopyRowId('0b7f3f0e-8a55-4f6e-9a43-0c1d2e3f4a5b');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(jsonCopyRowId('0b7f3f0e-8a55-4f6e-9a43-0c1d2e3f4a5b')).toBe(id);
    expect(jsonCopyRowId('0b7f3f0e-8a55-4f6e-9a43-0c1d2e3f4a5c')).not.toBe(id);
    expect(id).not.toBe('0b7f3f0e-8a55-4f6e-9a43-0c1d2e3f4a5b');
  });

  it('encodes the envelope in the proto3 JSON mapping, which reads back to the same event', () => {
    const envelope = buildEnvelope({ auditCheckpointed: { checkpoint: { sequence: '1000', headHash: 'ab', signedAt: '2026-11-27T08:00:00.000Z', keyId: 'k', signature: 's' } } }, { actor: undefined, producer: 'audit', aggregateId: '1000' });
    const json = JSON.parse(encodeEnvelopeJson(envelope).toString('utf8')) as Record<string, unknown>;
    expect(json['eventId']).toBe(envelope.eventId);
    expect(json['auditCheckpointed']).toEqual({ checkpoint: { sequence: '1000', headHash: 'ab', signedAt: '2026-11-27T08:00:00.000Z', keyId: 'k', signature: 's' } });
    expect(typeof json['occurredAt']).toBe('string');
    expect(eventsV1.EventEnvelope.fromJSON(json)).toEqual(envelope);
  });
});
