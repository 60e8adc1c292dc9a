import type { GrpcErrorMapper } from '@tradewarden/grpc';

// Identity has no domain errors of its own yet: a denial is an answer (allowed=false), not an error.
export const mapIdentityError: GrpcErrorMapper = () => undefined;
