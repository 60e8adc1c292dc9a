import type { PlatformEndpoints } from '@tradewarden/platform-runtime';
import { CliError, ExitCode } from './exit-codes';

export interface PlatformAddresses {
  intake: string;
  approval: string;
  gateway: string;
  audit: string;
  keycloakUrl: string;
  realm: string;
}

export interface AddressOverrides {
  intake?: string;
  approval?: string;
  gateway?: string;
  audit?: string;
  keycloak?: string;
  realm?: string;
}

const ENVIRONMENT: Record<keyof AddressOverrides, string> = {
  intake: 'TRADEWARDEN_INTAKE',
  approval: 'TRADEWARDEN_APPROVAL',
  gateway: 'TRADEWARDEN_GATEWAY',
  audit: 'TRADEWARDEN_AUDIT',
  keycloak: 'TRADEWARDEN_KEYCLOAK',
  realm: 'TRADEWARDEN_REALM',
};

const DEFAULT_REALM = 'tradewarden';

/**
 * Where the platform is: a flag wins over its TRADEWARDEN_* variable, which wins over the local platform's runtime file
 * (written by `npm start`). Only the addresses a command uses must be known; the others may stay empty.
 */
export function resolveAddresses(flags: AddressOverrides, environment: NodeJS.ProcessEnv, runtime: PlatformEndpoints | undefined): PlatformAddresses {
  const pick = (name: keyof AddressOverrides, fromRuntime: string | undefined): string => flags[name] ?? (environment[ENVIRONMENT[name]] || undefined) ?? fromRuntime ?? '';
  return {
    intake: pick('intake', runtime?.services.intake.grpc),
    approval: pick('approval', runtime?.services.approval.grpc),
    gateway: pick('gateway', runtime?.services.gateway.grpc),
    audit: pick('audit', runtime?.services.audit.grpc),
    keycloakUrl: pick('keycloak', runtime?.keycloak.url).replace(/\/$/, ''),
    realm: pick('realm', runtime?.keycloak.realm) || DEFAULT_REALM,
  };
}

/** The address of one part, or an error saying how to give it. */
export function requireAddress(addresses: PlatformAddresses, part: keyof AddressOverrides): string {
  const value = part === 'keycloak' ? addresses.keycloakUrl : addresses[part];
  if (value) return value;
  return fail(part);
}

function fail(part: keyof AddressOverrides): never {
  throw new CliError(
    `no address for ${part}: the local platform is not running here (npm start), so give --${part} or ${ENVIRONMENT[part]}`,
    ExitCode.Unavailable,
  );
}
