import type { Issue } from '../catalogue/operation-type';

/** The idempotency key every submission carries: 1-128 printable ASCII characters without spaces. */
export function clientRequestIdIssue(clientRequestId: string): Issue | undefined {
  return /^[\x21-\x7e]{1,128}$/.test(clientRequestId)
    ? undefined
    : { field: 'client_request_id', code: 'REQUIRED', message: 'must be 1-128 printable characters without spaces' };
}
