import { MtRetcode } from '@tradewarden/mt5-webapi-protocol';

/** The server answered with a non-zero retcode: a definite outcome (nothing was applied). */
export class MtRetcodeError extends Error {
  constructor(
    readonly path: string,
    readonly code: number,
    readonly text: string,
  ) {
    super(`${path}: MT retcode ${code} ${text}`);
    this.name = 'MtRetcodeError';
  }

  get notFound(): boolean {
    return this.code === MtRetcode.ERR_NOTFOUND;
  }
}

/**
 * No usable answer (connection refused or dropped, timeout, malformed reply). For a write the outcome is unknown:
 * the caller must check the server (deal history) before trying again.
 */
export class MtTransportError extends Error {
  constructor(
    readonly path: string,
    override readonly cause: unknown,
  ) {
    super(`${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'MtTransportError';
  }
}

/** The server failed the handshake or could not prove it knows the password (possible impostor). */
export class MtAuthenticationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MtAuthenticationError';
  }
}
