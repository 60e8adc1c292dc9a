/** Realm roles defined in infra/keycloak/tradewarden-realm.json. */
export const TradewardenRoles = [
  'ops-agent',
  'ops-supervisor',
  'compliance',
  'admin',
  'integration',
  // Held only by Tradewarden's own services' accounts: lets a service act on behalf of an end user it authenticated.
  'tradewarden-service',
] as const;

export type TradewardenRole = (typeof TradewardenRoles)[number];
