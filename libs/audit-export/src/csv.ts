import type { RecordFields } from './record-fields';

/** The CSV export's columns, in order; the first row of the file names them. */
export const CSV_COLUMNS = [
  'sequence',
  'recorded_at',
  'occurred_at',
  'event_id',
  'event_type',
  'source_topic',
  'actor_subject',
  'actor_username',
  'actor_roles',
  'actor_client',
  'operation_id',
  'server_id',
  'accounts',
  'trace_id',
  'details_json',
  'previous_hash',
  'hash',
] as const;

/** Separator of the list columns (actor_roles, accounts). */
export const CSV_LIST_SEPARATOR = ';';

/** RFC 4180: a field with a comma, quote, CR or LF is quoted and its quotes doubled; so is one with a leading or trailing space, which spreadsheets trim. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/**
 * First characters that make a spreadsheet read a cell as a formula (=, +, -, @, tab, CR, LF and their full-width
 * forms, which some locales also evaluate), and the apostrophe, which is the guard itself.
 */
const FORMULA_STARTS = new Set(['=', '+', '-', '@', '\t', '\r', '\n', '\uff1d', '\uff0b', '\uff0d', '\uff20', "'"]);

/**
 * Formula-injection guard, reversible: a value that starts with a formula character, or with an apostrophe, gets one
 * apostrophe in front. Spreadsheets then show text instead of running `=HYPERLINK(...)` from a username or a server id.
 * Because apostrophe-led values are guarded too, `unguardCsvValue` gives back the exact original of every cell, so the
 * hashed values stay recomputable from the CSV (docs: README.md "CSV").
 */
export function guardCsvValue(value: string): string {
  return value.length > 0 && FORMULA_STARTS.has(value[0]!) ? `'${value}` : value;
}

/** The original value of a cell the export wrote: drops the one apostrophe the guard put in front, if any. */
export function unguardCsvValue(cell: string): string {
  return cell.startsWith("'") ? cell.slice(1) : cell;
}

/** One field: guarded, then quoted when RFC 4180 needs it. */
export function csvField(value: string): string {
  const guarded = guardCsvValue(value);
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvHeaderRow(): string {
  return CSV_COLUMNS.join(',');
}

/** One record as one CSV row (no line terminator; rows end in CRLF, see lineEnd). */
export function csvRow(fields: RecordFields): string {
  const values: Record<(typeof CSV_COLUMNS)[number], string> = {
    sequence: fields.sequence,
    recorded_at: fields.recordedAt,
    occurred_at: fields.occurredAt,
    event_id: fields.eventId,
    event_type: fields.eventType,
    source_topic: fields.sourceTopic,
    actor_subject: fields.actorSubject,
    actor_username: fields.actorUsername,
    actor_roles: fields.actorRoles.join(CSV_LIST_SEPARATOR),
    actor_client: fields.actorClient,
    operation_id: fields.operationId,
    server_id: fields.serverId,
    accounts: fields.accounts.join(CSV_LIST_SEPARATOR),
    trace_id: fields.traceId,
    details_json: fields.detailsJson,
    previous_hash: fields.previousHash,
    hash: fields.hash,
  };
  return CSV_COLUMNS.map((column) => csvField(values[column])).join(',');
}
