import type { auditV1 } from '@tradewarden/proto';
import type { ExportHeader } from './export-format';
import type { RecordFields } from './record-fields';

/**
 * The JSON lines export: one JSON object per line, told apart by `kind`. The writer and the verifier share these
 * renderers, and the verifier requires every line to be exactly what they write (see verify-export.ts): a line with a
 * duplicated key or an extra member could otherwise show a reader something other than what was verified.
 */
export const EXPORT_FORMAT_ID = 'tradewarden-audit-export';
export const EXPORT_FORMAT_VERSION = 1;

export interface HeaderLine {
  kind: 'export';
  format: typeof EXPORT_FORMAT_ID;
  version: typeof EXPORT_FORMAT_VERSION;
  exportedAt: string;
  complete: boolean;
  fromSequence: string;
  toSequence: string;
  filters: Record<string, string>;
  keyId: string;
}

/** A record line: the record's fields as exported, its details parsed (what the hash covers). */
export type RecordLine = { kind: 'record' } & Omit<RecordFields, 'detailsJson'>;

export interface CheckpointLine {
  kind: 'checkpoint';
  sequence: string;
  headHash: string;
  signedAt: string;
  keyId: string;
  signature: string;
}

/** The last line: how many records and checkpoints the export wrote, so that a file cut short is told from a short export. */
export interface EndLine {
  kind: 'end';
  records: number;
  checkpoints: number;
}

export type ExportLine = HeaderLine | RecordLine | CheckpointLine | EndLine;

export function headerLineOf(header: ExportHeader): HeaderLine {
  return {
    kind: 'export',
    format: EXPORT_FORMAT_ID,
    version: EXPORT_FORMAT_VERSION,
    exportedAt: header.exportedAt.toISOString(),
    complete: header.complete,
    fromSequence: header.fromSequence,
    toSequence: header.toSequence,
    filters: header.filters,
    keyId: header.keyId,
  };
}

export function recordLineOf(fields: RecordFields): RecordLine {
  return {
    kind: 'record',
    sequence: fields.sequence,
    recordedAt: fields.recordedAt,
    occurredAt: fields.occurredAt,
    eventId: fields.eventId,
    eventType: fields.eventType,
    sourceTopic: fields.sourceTopic,
    actorSubject: fields.actorSubject,
    actorUsername: fields.actorUsername,
    actorRoles: fields.actorRoles,
    actorClient: fields.actorClient,
    operationId: fields.operationId,
    serverId: fields.serverId,
    accounts: fields.accounts,
    traceId: fields.traceId,
    details: fields.details,
    previousHash: fields.previousHash,
    hash: fields.hash,
  };
}

export function checkpointLineOf(checkpoint: auditV1.AuditCheckpoint): CheckpointLine {
  return { kind: 'checkpoint', sequence: checkpoint.sequence, headHash: checkpoint.headHash, signedAt: checkpoint.signedAt, keyId: checkpoint.keyId, signature: checkpoint.signature };
}

/**
 * The line's text. Members are listed in a fixed order whatever order the value was built or parsed in, so rendering a
 * parsed line again gives the same text exactly when the line was written by this code.
 */
export function renderJsonLine(line: ExportLine): string {
  switch (line.kind) {
    case 'export': {
      const { kind, format, version, exportedAt, complete, fromSequence, toSequence, filters, keyId } = line;
      return JSON.stringify({ kind, format, version, exportedAt, complete, fromSequence, toSequence, filters, keyId });
    }
    case 'record': {
      const { kind, sequence, recordedAt, occurredAt, eventId, eventType, sourceTopic, actorSubject, actorUsername, actorRoles, actorClient, operationId, serverId, accounts, traceId, details, previousHash, hash } = line;
      return JSON.stringify({ kind, sequence, recordedAt, occurredAt, eventId, eventType, sourceTopic, actorSubject, actorUsername, actorRoles, actorClient, operationId, serverId, accounts, traceId, details, previousHash, hash });
    }
    case 'checkpoint': {
      const { kind, sequence, headHash, signedAt, keyId, signature } = line;
      return JSON.stringify({ kind, sequence, headHash, signedAt, keyId, signature });
    }
    case 'end':
      return JSON.stringify({ kind: line.kind, records: line.records, checkpoints: line.checkpoints });
  }
}
