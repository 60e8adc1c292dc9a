export { KeycloakTokenVerifier, AuthenticationError } from './keycloak-token-verifier';
export type { VerifiedCaller } from './keycloak-token-verifier';
export { ServiceTokenProvider } from './service-token-provider';
export { fetchPasswordGrantToken, fetchClientCredentialsToken } from './token-endpoint';
export { TradewardenRoles } from './roles';
export type { TradewardenRole } from './roles';
