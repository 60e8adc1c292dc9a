/**
 * Where a page of ListOperations ended: the last operation's submission time and id. The time keeps PostgreSQL's
 * microseconds (a JavaScript Date would round them away, and operations submitted within the same millisecond would
 * then be skipped or repeated across pages).
 */
export interface OperationCursor {
  /** UTC, ISO 8601 with six fractional digits, e.g. 2025-11-27T10:15:00.123456Z. */
  submittedAt: string;
  operationId: string;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3})\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The opaque page token: base64url of "<submitted at>|<operation id>". */
export function encodeCursor(cursor: OperationCursor): string {
  return Buffer.from(`${cursor.submittedAt}|${cursor.operationId}`, 'utf8').toString('base64url');
}

/** The cursor a page token carries; undefined when the token is not one this service issued. */
export function decodeCursor(token: string): OperationCursor | undefined {
  if (!BASE64URL.test(token)) return undefined;
  const parts = Buffer.from(token, 'base64url').toString('utf8').split('|');
  if (parts.length !== 2) return undefined;
  const [submittedAt, operationId] = parts as [string, string];
  const milliseconds = TIMESTAMP.exec(submittedAt)?.[1];
  if (!milliseconds || !UUID.test(operationId)) return undefined;
  // Date accepts 2025-02-31 and rolls it over; only a time that prints back the same is a real one.
  const parsed = new Date(`${milliseconds}Z`);
  if (Number.isNaN(parsed.getTime()) || parsed.toISOString() !== `${milliseconds}Z`) return undefined;
  return { submittedAt, operationId };
}
