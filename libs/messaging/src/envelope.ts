import { randomUUID } from 'node:crypto';
import { commonV1, eventsV1 } from '@tradewarden/proto';
import { currentTraceId, injectTraceHeaders } from '@tradewarden/telemetry';

type Envelope = eventsV1.EventEnvelope;
type PayloadKey =
  | 'operationSubmitted'
  | 'operationStatusChanged'
  | 'operationApproved'
  | 'operationRejected'
  | 'executionRequested'
  | 'itemExecuted'
  | 'accessDenied'
  | 'serverRegistryChanged'
  | 'credentialsClaimed'
  | 'operationPlanPage'
  | 'approvalRequested'
  | 'templateSaved'
  | 'approvalExpired'
  | 'approvalDelegationChanged'
  | 'auditRecorded'
  | 'auditCheckpointed';

/** Exactly one payload of the envelope's oneof, e.g. `{ operationSubmitted: {...} }`. */
export type EnvelopePayload = {
  [K in PayloadKey]: { [P in K]: NonNullable<Envelope[K]> } & { [P in Exclude<PayloadKey, K>]?: undefined };
}[PayloadKey];

const eventTypeByKey: Record<PayloadKey, string> = {
  operationSubmitted: 'OperationSubmitted',
  operationStatusChanged: 'OperationStatusChanged',
  operationApproved: 'OperationApproved',
  operationRejected: 'OperationRejected',
  executionRequested: 'ExecutionRequested',
  itemExecuted: 'ItemExecuted',
  accessDenied: 'AccessDenied',
  serverRegistryChanged: 'ServerRegistryChanged',
  credentialsClaimed: 'CredentialsClaimed',
  operationPlanPage: 'OperationPlanPage',
  approvalRequested: 'ApprovalRequested',
  templateSaved: 'TemplateSaved',
  approvalExpired: 'ApprovalExpired',
  approvalDelegationChanged: 'ApprovalDelegationChanged',
  auditRecorded: 'AuditRecorded',
  auditCheckpointed: 'AuditCheckpointed',
};

export interface BuildEnvelopeOptions {
  actor: commonV1.Actor | undefined;
  producer: string;
  aggregateId: string;
}

/** Which payload an envelope carries. */
export function payloadCase(envelope: Envelope): PayloadKey | undefined {
  return (Object.keys(eventTypeByKey) as PayloadKey[]).find((key) => envelope[key] !== undefined);
}

/** A new event, stamped with a fresh id, the current time and the active trace. */
export function buildEnvelope(payload: EnvelopePayload, options: BuildEnvelopeOptions): Envelope {
  const key = (Object.keys(payload) as PayloadKey[]).find((candidate) => payload[candidate] !== undefined);
  if (!key) throw new Error('event payload is empty');
  return eventsV1.EventEnvelope.fromPartial({
    eventId: randomUUID(),
    eventType: eventTypeByKey[key],
    occurredAt: new Date(),
    traceId: currentTraceId(),
    traceparent: injectTraceHeaders()['traceparent'] ?? '',
    actor: options.actor,
    producer: options.producer,
    aggregateId: options.aggregateId,
    ...payload,
  });
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(eventsV1.EventEnvelope.encode(envelope).finish());
}

/** The envelope in the proto3 JSON mapping (camelCase names, RFC 3339 times, enum names, 64-bit numbers as strings). */
export function encodeEnvelopeJson(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(eventsV1.EventEnvelope.toJSON(envelope)), 'utf8');
}

export function decodeEnvelope(bytes: Buffer): Envelope {
  const envelope = eventsV1.EventEnvelope.decode(bytes);
  if (!envelope.eventId) throw new Error('event has no event_id');
  if (!payloadCase(envelope)) throw new Error(`event ${envelope.eventId} carries no known payload`);
  return envelope;
}
