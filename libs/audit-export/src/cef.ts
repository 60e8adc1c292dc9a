import { hostname as osHostname } from 'node:os';
import type { auditV1 } from '@tradewarden/proto';
import type { LineOptions } from './export-format';
import { detailMember, type RecordFields } from './record-fields';

const CEF_VENDOR = 'Tradewarden';
const CEF_PRODUCT = 'Tradewarden Audit';
const CEF_DEVICE_VERSION = '1';
/** CEF event class of a checkpoint event (records use their event type). */
export const CHECKPOINT_EVENT_CLASS = 'AuditCheckpoint';

/** RFC 5424 APP-NAME of syslog-cef lines. */
export const SYSLOG_APP_NAME = 'tradewarden-audit';
/**
 * Default syslog facility: 10, authpriv ("security/authorization messages, private"). The records name people,
 * accounts and denied calls; the usual syslog setups keep authpriv in a file only root reads (/var/log/secure,
 * auth.log), where local0-7 would go wherever a site routes them. A SIEM input accepts any facility.
 */
export const DEFAULT_SYSLOG_FACILITY = 10;

/** ArcSight's limits: msg holds 1023 characters, the custom strings 4000; longer values are cut so SIEMs do not drop the event. */
const MSG_MAX = 1023;
const CUSTOM_STRING_MAX = 4000;

/** C0 controls and DEL, which CEF has no escape for (CR and LF are escaped in extension values instead). */
function isControl(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

function mapControls(value: string, replace: (char: string) => string): string {
  let out = '';
  for (const char of value) out += isControl(char.charCodeAt(0)) ? replace(char) : char;
  return out;
}

/**
 * A CEF header field (event class, name): backslash and pipe escaped. The header has no escape for line breaks or other
 * controls, so each becomes a space.
 */
export function cefHeaderField(value: string): string {
  return mapControls(value, () => ' ').replace(/[\\|]/g, (char) => `\\${char}`);
}

/**
 * A CEF extension value: backslash and equals escaped, CR and LF written as \r and \n (pipes need no escape here).
 * Other controls (NUL, tab, ...) have no CEF escape and can break SIEM parsers; each becomes U+FFFD.
 */
export function cefExtensionValue(value: string): string {
  const escaped = value.replace(/[\\=]/g, (char) => `\\${char}`);
  return mapControls(escaped, (char) => (char === '\r' ? '\\r' : char === '\n' ? '\\n' : '\uFFFD'));
}

/** A list joined by commas and cut to `max` characters at a whole element, saying how many were left out. */
function boundedList(values: readonly string[], max: number): string {
  const joined = values.join(',');
  if (joined.length <= max) return joined;
  let kept = '';
  let count = 0;
  for (const value of values) {
    const next = kept ? `${kept},${value}` : value;
    if (next.length + ` (+${values.length - count - 1} more)`.length > max) break;
    kept = next;
    count += 1;
  }
  return `${kept} (+${values.length - count} more)`;
}

function bounded(value: string, max: number): string {
  return value.length <= max ? value : `${value.slice(0, max - 1)}\u2026`;
}

/** "OperationSubmitted" -> "Operation submitted": the CEF Name of an event type. */
export function eventName(eventType: string): string {
  const words = eventType.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(' ');
  return words.map((word, index) => (index === 0 ? word : word.toLowerCase())).join(' ');
}

/** Item statuses of an ItemExecuted record that did not apply the change the approvers saw. */
const UNSUCCESSFUL_ITEM_STATUSES = new Set(['FAILED', 'REJECTED', 'DRIFTED']);

function itemStatus(fields: RecordFields): string | undefined {
  return detailMember(fields.details, 'status')?.replace(/^ITEM_STATUS_/, '');
}

/**
 * CEF severity (0-10) of a record:
 * - 7 (high): AccessDenied, a refused call;
 * - 5 (medium): ItemExecuted whose status is FAILED, REJECTED or DRIFTED, a change that did not happen as approved;
 * - 3 (low): every other record (submissions, decisions, applied changes, configuration changes);
 * - checkpoints are 1 (bookkeeping).
 */
export function cefSeverity(fields: RecordFields): number {
  if (fields.eventType === 'AccessDenied') return 7;
  if (fields.eventType === 'ItemExecuted' && UNSUCCESSFUL_ITEM_STATUSES.has(itemStatus(fields) ?? '')) return 5;
  return 3;
}

const CHECKPOINT_SEVERITY = 1;

type Extension = readonly [key: string, value: string | undefined];

function cefEvent(eventClass: string, name: string, severity: number, extensions: readonly Extension[]): string {
  const header = ['CEF:0', CEF_VENDOR, CEF_PRODUCT, CEF_DEVICE_VERSION, cefHeaderField(eventClass), cefHeaderField(name), String(severity)].join('|');
  const pairs = extensions.filter((pair): pair is readonly [string, string] => pair[1] !== undefined && pair[1] !== '').map(([key, value]) => `${key}=${cefExtensionValue(value)}`);
  return `${header}|${pairs.join(' ')}`;
}

/** A custom string with its label; both left out when the value is empty. */
function labelled(slot: string, label: string, value: string): Extension[] {
  return value ? [[`${slot}Label`, label], [slot, value]] : [];
}

function summary(fields: RecordFields): string {
  const actor = fields.actorUsername || fields.actorSubject || 'unknown actor';
  if (fields.eventType === 'AccessDenied') {
    const method = detailMember(fields.details, 'method');
    return `Access denied to ${actor}${method ? ` calling ${method}` : ''}`;
  }
  if (fields.eventType === 'ItemExecuted') {
    const item = detailMember(fields.details, 'itemId');
    return `Item ${item ?? '?'} of operation ${fields.operationId || '?'} on ${fields.serverId || '?'}: ${itemStatus(fields) ?? 'no status'}`;
  }
  return `${eventName(fields.eventType)} by ${actor}${fields.operationId ? ` (operation ${fields.operationId})` : ''}`;
}

function outcomeAndReason(fields: RecordFields): { outcome?: string; reason?: string } {
  if (fields.eventType === 'AccessDenied') {
    const code = detailMember(fields.details, 'code');
    const reason = detailMember(fields.details, 'reason');
    return { outcome: 'DENIED', reason: [code, reason].filter(Boolean).join(': ') };
  }
  if (fields.eventType === 'ItemExecuted') {
    const code = detailMember(fields.details, 'errorCode');
    const message = detailMember(fields.details, 'errorMessage');
    return { outcome: itemStatus(fields), reason: [code, message].filter(Boolean).join(': ') };
  }
  return {};
}

/**
 * A record as one CEF event. A summary for SIEMs: details are not carried (the JSON lines export is the record of
 * truth), and long values are cut to ArcSight's field limits.
 */
export function cefRecordEvent(fields: RecordFields): string {
  const { outcome, reason } = outcomeAndReason(fields);
  return cefEvent(fields.eventType, eventName(fields.eventType), cefSeverity(fields), [
    ['rt', String(Date.parse(fields.occurredAt))],
    ['act', fields.eventType],
    ['cat', fields.sourceTopic],
    ['suser', fields.actorUsername],
    ['suid', fields.actorSubject],
    ['requestClientApplication', fields.actorClient],
    ['outcome', outcome],
    ['reason', reason === undefined ? undefined : bounded(reason, CUSTOM_STRING_MAX)],
    ['externalId', fields.eventId],
    ...labelled('cs1', 'operationId', fields.operationId),
    ...labelled('cs2', 'serverId', fields.serverId),
    ...labelled('cs3', 'traceId', fields.traceId),
    ...labelled('cs4', 'hash', fields.hash),
    ...labelled('cs5', 'accounts', boundedList(fields.accounts, CUSTOM_STRING_MAX)),
    ...labelled('cs6', 'actorRoles', boundedList(fields.actorRoles, CUSTOM_STRING_MAX)),
    ['cn1Label', 'sequence'],
    ['cn1', fields.sequence],
    ['msg', bounded(summary(fields), MSG_MAX)],
  ]);
}

function signedAtMillis(checkpoint: auditV1.AuditCheckpoint): number {
  const millis = Date.parse(checkpoint.signedAt);
  if (Number.isNaN(millis)) throw new Error(`audit checkpoint ${checkpoint.sequence} has no valid signedAt`);
  return millis;
}

/** A checkpoint as a CEF event, with everything needed to verify it later (head hash, key id, signature, signedAt). */
export function cefCheckpointEvent(checkpoint: auditV1.AuditCheckpoint): string {
  return cefEvent(CHECKPOINT_EVENT_CLASS, 'Audit checkpoint signed', CHECKPOINT_SEVERITY, [
    ['rt', String(signedAtMillis(checkpoint))],
    ['act', CHECKPOINT_EVENT_CLASS],
    ...labelled('cs1', 'signedAt', checkpoint.signedAt),
    ...labelled('cs4', 'headHash', checkpoint.headHash),
    ...labelled('cs5', 'signature', checkpoint.signature),
    ...labelled('cs6', 'keyId', checkpoint.keyId),
    ['cn1Label', 'sequence'],
    ['cn1', checkpoint.sequence],
    ['msg', `The chain up to sequence ${checkpoint.sequence} is signed by key ${checkpoint.keyId}`],
  ]);
}

/**
 * Syslog severity of a CEF severity: 0-3 informational (6), 4-6 notice (5), 7-8 warning (4), 9-10 critical (2).
 * A refused call is a warning about a user, not an error of the system.
 */
export function syslogSeverityOf(cefSeverity: number): number {
  if (cefSeverity >= 9) return 2;
  if (cefSeverity >= 7) return 4;
  if (cefSeverity >= 4) return 5;
  return 6;
}

const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

function syslogHostname(options: LineOptions): string {
  const host = options.hostname ?? osHostname();
  if (host.length > 255 || !PRINTABLE_ASCII.test(host)) throw new Error(`syslog hostname must be 1-255 printable US-ASCII characters, not ${JSON.stringify(host)}`);
  return host;
}

function syslogFacility(options: LineOptions): number {
  const facility = options.facility ?? DEFAULT_SYSLOG_FACILITY;
  if (!Number.isInteger(facility) || facility < 0 || facility > 23) throw new Error(`syslog facility must be an integer 0-23, not ${facility}`);
  return facility;
}

/** RFC 5424 MSGID: 1-32 printable US-ASCII characters. */
function msgId(eventClass: string): string {
  const printable = [...eventClass].filter((char) => PRINTABLE_ASCII.test(char)).join('').slice(0, 32);
  return printable || '-';
}

/**
 * RFC 5424 framing of a CEF event: `<PRI>1 TIMESTAMP HOSTNAME tradewarden-audit - MSGID - CEF:...`, PRI = facility * 8
 * + the syslog severity of the CEF severity, TIMESTAMP the event's time (occurredAt, or a checkpoint's signedAt),
 * no PROCID, no structured data, and the message without a BOM (MSG-ANY; it is UTF-8).
 */
export function syslogFrame(cef: string, event: { time: string; eventClass: string; cefSeverity: number }, options: LineOptions = {}): string {
  const priority = syslogFacility(options) * 8 + syslogSeverityOf(event.cefSeverity);
  return `<${priority}>1 ${event.time} ${syslogHostname(options)} ${SYSLOG_APP_NAME} - ${msgId(event.eventClass)} - ${cef}`;
}

export function syslogRecordEvent(fields: RecordFields, options: LineOptions = {}): string {
  return syslogFrame(cefRecordEvent(fields), { time: fields.occurredAt, eventClass: fields.eventType, cefSeverity: cefSeverity(fields) }, options);
}

export function syslogCheckpointEvent(checkpoint: auditV1.AuditCheckpoint, options: LineOptions = {}): string {
  const time = new Date(signedAtMillis(checkpoint)).toISOString();
  return syslogFrame(cefCheckpointEvent(checkpoint), { time, eventClass: CHECKPOINT_EVENT_CLASS, cefSeverity: CHECKPOINT_SEVERITY }, options);
}
