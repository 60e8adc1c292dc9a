import { status } from '@grpc/grpc-js';
import { cliErrorFrom, exitCodeForGrpcStatus, ExitCode, splitFieldErrors } from './exit-codes';

const grpcError = (code: status, details: string) => Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details });

describe('exit codes', () => {
  it.each([
    [status.UNAUTHENTICATED, ExitCode.NotAuthenticated],
    [status.PERMISSION_DENIED, ExitCode.NotAuthenticated],
    [status.UNAVAILABLE, ExitCode.Unavailable],
    [status.DEADLINE_EXCEEDED, ExitCode.Unavailable],
    [status.UNIMPLEMENTED, ExitCode.Unavailable],
    [status.INVALID_ARGUMENT, ExitCode.Failed],
    [status.FAILED_PRECONDITION, ExitCode.Failed],
    [status.NOT_FOUND, ExitCode.Failed],
  ])('maps gRPC %s to %s', (code, exitCode) => {
    expect(exitCodeForGrpcStatus(code)).toBe(exitCode);
  });

  it('lists intake field errors one to a line, naming the field', () => {
    const error = cliErrorFrom(
      grpcError(status.INVALID_ARGUMENT, 'invalid operation, nothing was submitted: items[0].balance_deposit.login: digits only [FORMAT]; items[1].balance_deposit.amount.amount: must be positive [RANGE]'),
      'submit',
    );
    expect(error.exitCode).toBe(ExitCode.Failed);
    expect(error.message.split('\n')).toEqual([
      'submit: INVALID_ARGUMENT: invalid operation, nothing was submitted',
      '  items[0].balance_deposit.login: digits only [FORMAT]',
      '  items[1].balance_deposit.amount.amount: must be positive [RANGE]',
    ]);
  });

  it('hints at the cause of authentication and availability errors', () => {
    expect(cliErrorFrom(grpcError(status.UNAUTHENTICATED, 'token expired'), 'ops list').message).toContain('log in again');
    expect(cliErrorFrom(grpcError(status.UNAVAILABLE, 'No connection established'), 'ops list')).toMatchObject({ exitCode: ExitCode.Unavailable });
  });

  it('treats an unreachable Keycloak as unavailable', () => {
    expect(cliErrorFrom(new TypeError('fetch failed'), 'login')).toMatchObject({ exitCode: ExitCode.Unavailable, message: 'login: cannot reach the server' });
  });

  it('leaves details without field errors whole', () => {
    expect(splitFieldErrors('operation 42 not found')).toEqual(['operation 42 not found']);
  });
});
