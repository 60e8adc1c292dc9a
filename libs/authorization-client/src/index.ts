export { AuthorizationClient, PermissionDeniedError } from './authorization-client';
export type { AuthorizationCheck } from './authorization-client';
