import type { Metadata } from '@grpc/grpc-js';
import { bearerMetadata, createGrpcClient, type GrpcClient } from '@tradewarden/grpc-client';
import type { PlatformEndpoints } from '@tradewarden/platform-runtime';
import { approvalV1, auditV1, gatewayV1, intakeV1 } from '@tradewarden/proto';
import type { ParsedFlags, GLOBAL_FLAGS } from './cli-arguments';
import { CliError, cliErrorFrom, ExitCode } from './exit-codes';
import { clientCredentialsLogin, refreshSession, type StoredSession } from './keycloak-tokens';
import { requireAddress, resolveAddresses, type PlatformAddresses } from './platform-addresses';
import { readSession, tokenFilePath, writeSession } from './token-store';

/** Where a command writes; stdout carries results (and --json documents), stderr progress and diagnostics. */
export interface CliOutput {
  out(text: string): void;
  err(text: string): void;
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly stdinIsTty: boolean;
  /** Asks a yes/no question on the terminal. */
  confirm(question: string): Promise<boolean>;
}

export interface CliEnvironment {
  variables: NodeJS.ProcessEnv;
  runtime: PlatformEndpoints | undefined;
  output: CliOutput;
  now(): number;
}

/** A token is renewed this long before it expires, so that it does not expire in flight. */
const EXPIRY_MARGIN_MS = 30_000;

/**
 * What a command that talks to the platform needs: the addresses, a valid access token (refreshed when needed) and
 * the gRPC clients, made on first use and closed at the end.
 */
export class PlatformSession {
  readonly addresses: PlatformAddresses;
  private readonly clients: { close(): void }[] = [];

  constructor(
    private readonly environment: CliEnvironment,
    flags: ParsedFlags<typeof GLOBAL_FLAGS>,
  ) {
    this.addresses = resolveAddresses(flags, environment.variables, environment.runtime);
  }

  async metadata(): Promise<Metadata> {
    return bearerMetadata(await this.accessToken());
  }

  intake(): GrpcClient<typeof intakeV1.IntakeServiceService> {
    return this.track(createGrpcClient(intakeV1.IntakeServiceService, requireAddress(this.addresses, 'intake'), 'IntakeService'));
  }

  approval(): GrpcClient<typeof approvalV1.ApprovalServiceService> {
    return this.track(createGrpcClient(approvalV1.ApprovalServiceService, requireAddress(this.addresses, 'approval'), 'ApprovalService'));
  }

  gateway(): GrpcClient<typeof gatewayV1.GatewayServiceService> {
    return this.track(createGrpcClient(gatewayV1.GatewayServiceService, requireAddress(this.addresses, 'gateway'), 'GatewayService'));
  }

  audit(): GrpcClient<typeof auditV1.AuditServiceService> {
    return this.track(createGrpcClient(auditV1.AuditServiceService, requireAddress(this.addresses, 'audit'), 'AuditService'));
  }

  close(): void {
    for (const client of this.clients.splice(0)) client.close();
  }

  /** The signed-in user (or client) name, for messages. */
  principal(): string | undefined {
    return readSession(tokenFilePath(this.environment.variables))?.principal;
  }

  private track<C extends { close(): void }>(client: C): C {
    this.clients.push(client);
    return client;
  }

  private async accessToken(): Promise<string> {
    const variables = this.environment.variables;
    const clientId = variables['TRADEWARDEN_CLIENT_ID'];
    const clientSecret = variables['TRADEWARDEN_CLIENT_SECRET'];
    if (clientId && clientSecret) {
      // Integrations give their confidential client in the environment: a fresh token per run, nothing on disk.
      const keycloakUrl = requireAddress(this.addresses, 'keycloak');
      return (await clientCredentialsLogin({ keycloakUrl, realm: this.addresses.realm }, clientId, clientSecret, this.environment.now)).accessToken;
    }
    const path = tokenFilePath(variables);
    const session = readSession(path);
    if (!session) throw new CliError('not logged in: run tradewarden login (or set TRADEWARDEN_CLIENT_ID and TRADEWARDEN_CLIENT_SECRET)', ExitCode.NotAuthenticated);
    const now = this.environment.now();
    if (session.accessTokenExpiresAt - EXPIRY_MARGIN_MS > now) return session.accessToken;
    if (!session.refreshToken || (session.refreshTokenExpiresAt ?? 0) <= now) {
      throw new CliError(`the session of ${session.principal} has expired: log in again (tradewarden login)`, ExitCode.NotAuthenticated);
    }
    const refreshed: StoredSession = await refreshSession(session, this.environment.now);
    writeSession(path, refreshed);
    return refreshed.accessToken;
  }
}

/** Runs a command's calls with a session that is closed afterwards; failures become CliErrors naming the command. */
export async function withSession<T>(environment: CliEnvironment, flags: ParsedFlags<typeof GLOBAL_FLAGS>, what: string, run: (session: PlatformSession) => Promise<T>): Promise<T> {
  const session = new PlatformSession(environment, flags);
  try {
    return await run(session);
  } catch (error) {
    throw cliErrorFrom(error, what);
  } finally {
    session.close();
  }
}
