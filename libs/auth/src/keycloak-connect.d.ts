// keycloak-connect ships typings for its middleware only; these describe the token-validation internals we use.
declare module 'keycloak-connect/middleware/auth-utils/config' {
  class Config {
    constructor(config: Record<string, unknown>);
    realmUrl: string;
  }
  export = Config;
}

declare module 'keycloak-connect/middleware/auth-utils/token' {
  class Token {
    constructor(token: string, clientId?: string);
    token: string;
    header: { alg?: string; kid?: string; typ?: string };
    content: Record<string, unknown> & { exp?: number; iat?: number; sub?: string; typ?: string };
    signed?: string;
    signature?: Buffer;
    isExpired(): boolean;
  }
  export = Token;
}

declare module 'keycloak-connect/middleware/auth-utils/grant-manager' {
  import Config = require('keycloak-connect/middleware/auth-utils/config');
  import Token = require('keycloak-connect/middleware/auth-utils/token');
  class GrantManager {
    constructor(config: Config);
    validateToken(token: Token, expectedType: string): Promise<Token>;
  }
  export = GrantManager;
}
