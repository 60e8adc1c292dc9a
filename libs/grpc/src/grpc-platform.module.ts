import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { KeycloakTokenVerifier } from '@tradewarden/auth';
import type { KeycloakConfig } from '@tradewarden/config';
import { ACCESS_DENIED_RECORDER, GrpcAuthGuard, TOKEN_VERIFIER, type AccessDeniedRecorder } from './grpc-auth.guard';
import { GrpcTracingInterceptor } from './grpc-tracing.interceptor';
import { GrpcExceptionFilter, type GrpcErrorMapper } from './rpc-errors';

export interface GrpcPlatformOptions {
  keycloak: KeycloakConfig;
  /** The service's one mapping of its domain errors to gRPC status. */
  errorMapper: GrpcErrorMapper;
  accessDeniedRecorder: Type<AccessDeniedRecorder>;
}

/**
 * What every Tradewarden gRPC service applies to every call: Keycloak authentication (guard), trace continuation
 * (interceptor) and the service's error-to-status mapping (filter).
 */
@Module({})
export class GrpcPlatformModule {
  static forService(options: GrpcPlatformOptions): DynamicModule {
    return {
      module: GrpcPlatformModule,
      providers: [
        { provide: TOKEN_VERIFIER, useFactory: () => new KeycloakTokenVerifier(options.keycloak) },
        { provide: ACCESS_DENIED_RECORDER, useClass: options.accessDeniedRecorder },
        { provide: APP_GUARD, useClass: GrpcAuthGuard },
        { provide: APP_INTERCEPTOR, useClass: GrpcTracingInterceptor },
        { provide: APP_FILTER, useFactory: () => new GrpcExceptionFilter(options.errorMapper) },
      ],
    };
  }
}
