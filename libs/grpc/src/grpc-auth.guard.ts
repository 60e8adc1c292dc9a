import { Metadata, status } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, Optional, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationError, type KeycloakTokenVerifier } from '@tradewarden/auth';
import type { commonV1 } from '@tradewarden/proto';
import { callMetadata } from './call-metadata';
import { rememberCaller } from './caller-context';
import { rpcError } from './rpc-errors';

export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
export const ACCESS_DENIED_RECORDER = Symbol('ACCESS_DENIED_RECORDER');
/** Marks a handler as callable only by Tradewarden's own services (role tradewarden-service). */
export const ALLOW_SERVICE_ROLE_ONLY = 'tradewarden:service-role-only';

/** Records a refused call so the audit trail sees every denial. */
export interface AccessDeniedRecorder {
  recordDenied(input: { method: string; code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; reason: string; actor?: commonV1.Actor; decisionId?: string }): Promise<void>;
}

/**
 * Authenticates every gRPC call with the Keycloak bearer token in its `authorization` metadata. No token or a bad
 * one: UNAUTHENTICATED. Permissions are checked afterwards, per operation, through the identity service.
 */
@Injectable()
export class GrpcAuthGuard implements CanActivate {
  private readonly logger = new Logger(GrpcAuthGuard.name);

  constructor(
    @Inject(TOKEN_VERIFIER) private readonly verifier: KeycloakTokenVerifier,
    private readonly reflector: Reflector,
    @Optional() @Inject(ACCESS_DENIED_RECORDER) private readonly recorder?: AccessDeniedRecorder,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'rpc') return true;
    const metadata = callMetadata(context);
    const method = `${context.getClass().name}.${context.getHandler().name}`;
    const header = metadata instanceof Metadata ? metadata.get('authorization')[0] : undefined;
    let caller;
    try {
      caller = await this.verifier.verify(typeof header === 'string' ? header : header?.toString());
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      await this.record({ method, code: 'UNAUTHENTICATED', reason: error.reason });
      throw rpcError(status.UNAUTHENTICATED, `unauthenticated: ${error.reason}`);
    }
    const serviceOnly = this.reflector.getAllAndOverride<boolean>(ALLOW_SERVICE_ROLE_ONLY, [context.getHandler(), context.getClass()]);
    if (serviceOnly && !caller.actor.roles.includes('tradewarden-service')) {
      const reason = 'missing role tradewarden-service: only Tradewarden services may call this method';
      await this.record({ method, code: 'PERMISSION_DENIED', reason, actor: caller.actor });
      throw rpcError(status.PERMISSION_DENIED, reason);
    }
    if (metadata) rememberCaller(metadata, caller);
    return true;
  }

  private async record(input: Parameters<AccessDeniedRecorder['recordDenied']>[0]): Promise<void> {
    if (!this.recorder) return;
    try {
      await this.recorder.recordDenied(input);
    } catch (error) {
      // The refusal stands even when it cannot be recorded; the failure is logged for operators.
      this.logger.error(`could not record access denial for ${input.method}: ${String(error)}`);
    }
  }
}

export const ServiceRoleOnly = () => SetMetadata(ALLOW_SERVICE_ROLE_ONLY, true);
