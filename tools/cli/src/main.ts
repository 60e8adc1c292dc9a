import { createInterface } from 'node:readline/promises';
import { readRuntimeFile } from '@tradewarden/platform-runtime';
import { APPROVALS_USAGE, approvalsCommand } from './approval-commands';
import { AUDIT_USAGE, auditCommand } from './audit-commands';
import { AUTH_USAGE, loginCommand, logoutCommand } from './auth-commands';
import type { CliEnvironment, CliOutput } from './cli-context';
import { CREDENTIALS_USAGE, credentialsCommand } from './credentials-commands';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { OPERATION_USAGE, submitCommand, validateCommand } from './operation-commands';
import { OPS_USAGE, opsCommand } from './ops-commands';
import { SIMULATOR_USAGE, simulatorCommand } from './simulator-command';
import { TEMPLATES_USAGE, templatesCommand } from './template-commands';
import { cliWorkspaceRoot } from './workspace-root';

const USAGE = `usage: tradewarden <command>

commands:
  status [--json]   health of Kafka, PostgreSQL, Keycloak, the MT simulator and the five services
                    (exit code 0 when everything is healthy, 1 otherwise)
${AUTH_USAGE}
${OPERATION_USAGE}
${OPS_USAGE}
${APPROVALS_USAGE}
${CREDENTIALS_USAGE}
${TEMPLATES_USAGE}
${AUDIT_USAGE}
${SIMULATOR_USAGE}

every platform command takes --json (output for scripts) and --intake/--approval/--gateway/--audit host:port,
--keycloak URL, --realm name (default: the local platform, see tradewarden status --json; or TRADEWARDEN_* variables)
exit codes: 0 ok, 1 failed or refused, 2 usage error, 3 not authenticated or permission denied, 4 unavailable
`;

const terminalOutput: CliOutput = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stdoutIsTty: process.stdout.isTTY === true,
  stderrIsTty: process.stderr.isTTY === true,
  stdinIsTty: process.stdin.isTTY === true,
  async confirm(question) {
    const prompt = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await prompt.question(`${question} [y/N] `)).trim());
    } finally {
      prompt.close();
    }
  },
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const root = cliWorkspaceRoot();
  const environment: CliEnvironment = { variables: process.env, runtime: root === undefined ? undefined : readRuntimeFile(root), output: terminalOutput, now: Date.now };
  switch (command) {
    case 'status': {
      const unknown = rest.filter((arg) => arg !== '--json');
      if (unknown.length > 0) throw new UsageError(`tradewarden status: unknown option ${unknown[0]}\n${USAGE}`);
      // Loaded for this command only: its probes bring the Kafka client and the services' gRPC library.
      const { allHealthy, collectStatus, formatStatus } = await import('./status-command');
      const report = await collectStatus(environment.runtime);
      process.stdout.write(rest.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
      return allHealthy(report) ? ExitCode.Ok : ExitCode.Failed;
    }
    case 'simulator':
      process.stdout.write(`${await simulatorCommand(environment.runtime, rest)}\n`);
      return ExitCode.Ok;
    case 'login':
      return loginCommand(environment, rest);
    case 'logout':
      return logoutCommand(environment, rest);
    case 'validate':
      return validateCommand(environment, rest);
    case 'submit':
      return submitCommand(environment, rest);
    case 'ops':
      return opsCommand(environment, rest);
    case 'approvals':
      return approvalsCommand(environment, rest);
    case 'credentials':
      return credentialsCommand(environment, rest);
    case 'templates':
      return templatesCommand(environment, rest);
    case 'audit':
      return auditCommand(environment, rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? ExitCode.Usage : ExitCode.Ok;
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

// A reader that stops early (`tradewarden validate --csv big.csv --json | head`) closes the pipe: stop quietly, as other
// Unix tools do, instead of dying of an unhandled EPIPE with a stack trace. Anything else stays an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.Ok);
  throw error;
});

/**
 * Exits once what was written to stdout and stderr is out: writes to a pipe complete asynchronously, and a bare
 * process.exit cut a megabyte-long --json document at about 200 KB.
 */
function exit(code: number): void {
  process.exitCode = code;
  let open = 2;
  const flushed = () => {
    open -= 1;
    if (open === 0) process.exit(code);
  };
  process.stdout.write('', flushed);
  process.stderr.write('', flushed);
}

main(process.argv.slice(2)).then(exit, (error: unknown) => {
  process.stderr.write(`tradewarden: ${error instanceof Error ? error.message : String(error)}\n`);
  exit(error instanceof CliError ? error.exitCode : ExitCode.Failed);
});
