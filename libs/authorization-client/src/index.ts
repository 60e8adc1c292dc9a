export { AuthorizationClient, BatchPermissionDeniedError, PermissionDeniedError } from './authorization-client';
export type { AuthorizationAction, AuthorizationCheck, BatchAuthorizationCheck, BatchAuthorizationResult, ItemAttributes, ItemDecision } from './authorization-client';
export { splitBatch, sumByCurrency } from './batch-parts';
export type { Money } from './batch-parts';
