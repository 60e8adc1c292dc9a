import { status } from '@grpc/grpc-js';

/** The documented exit codes of `tradewarden` (docs/cli.md). */
export enum ExitCode {
  Ok = 0,
  /** The operation failed or partly failed, or validation refused it. */
  Failed = 1,
  Usage = 2,
  /** Not logged in, session expired, or permission denied. */
  NotAuthenticated = 3,
  /** A service or Keycloak unreachable, timed out, or not offering the call. */
  Unavailable = 4,
}

/** An error that ends the command with a message for the user and an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UsageError extends CliError {
  constructor(message: string) {
    super(message, ExitCode.Usage);
    this.name = 'UsageError';
  }
}

export function exitCodeForGrpcStatus(code: status): ExitCode {
  switch (code) {
    case status.OK:
      return ExitCode.Ok;
    case status.UNAUTHENTICATED:
    case status.PERMISSION_DENIED:
      return ExitCode.NotAuthenticated;
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
    case status.UNIMPLEMENTED:
    case status.RESOURCE_EXHAUSTED:
      return ExitCode.Unavailable;
    default:
      return ExitCode.Failed;
  }
}

interface GrpcErrorShape {
  code: number;
  details?: string;
}

function isGrpcError(error: unknown): error is Error & GrpcErrorShape {
  return error instanceof Error && typeof (error as Partial<GrpcErrorShape>).code === 'number';
}

/**
 * The user's view of a failed call. Intake's INVALID_ARGUMENT details list the field errors as "field: message [CODE]"
 * joined by "; ": they go one to a line, each naming its field.
 */
export function cliErrorFrom(error: unknown, what: string): CliError {
  if (error instanceof CliError) return error;
  if (isGrpcError(error)) {
    const code = error.code as status;
    const details = error.details || error.message;
    const name = status[code] ?? String(code);
    const hint =
      code === status.UNAUTHENTICATED
        ? ' (log in again: tradewarden login)'
        : code === status.UNIMPLEMENTED
          ? ' (this server does not offer the call yet)'
          : code === status.UNAVAILABLE
            ? ' (is the platform running? tradewarden status)'
            : '';
    const [summary, ...fieldErrors] = code === status.INVALID_ARGUMENT ? splitFieldErrors(details) : [details];
    return new CliError([`${what}: ${name}: ${summary}${hint}`, ...fieldErrors.map((line) => `  ${line}`)].join('\n'), exitCodeForGrpcStatus(code));
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = (error as TypeError & { cause?: { message?: string } }).cause?.message;
    return new CliError(`${what}: cannot reach the server${cause ? ` (${cause})` : ''}`, ExitCode.Unavailable);
  }
  return new CliError(`${what}: ${error instanceof Error ? error.message : String(error)}`, ExitCode.Failed);
}

/** "invalid operation, nothing was submitted: a: x [C]; b: y [D]" -> the summary, then one line per field error. */
export function splitFieldErrors(details: string): string[] {
  const colon = details.indexOf(': ');
  if (colon < 0 || !/\[[A-Z0-9_]+\]/.test(details)) return [details];
  return [details.slice(0, colon), ...details.slice(colon + 2).split(/; (?=[\w[\].]+: )/)];
}
