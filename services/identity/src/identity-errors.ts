import { status } from '@grpc/grpc-js';
import type { GrpcErrorMapper } from '@tradewarden/grpc';

// A denial is an answer (allowed=false), not an error; errors are requests identity cannot decide on.
export type IdentityErrorCode = 'INVALID_REQUEST';

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'IdentityError';
  }
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled identity error code ${String(value)}`);
}

export const mapIdentityError: GrpcErrorMapper = (error) => {
  if (!(error instanceof IdentityError)) return undefined;
  switch (error.code) {
    case 'INVALID_REQUEST':
      return { code: status.INVALID_ARGUMENT, message: error.message };
    default:
      return assertUnreachable(error.code);
  }
};
