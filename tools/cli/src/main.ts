import { workspaceRoot } from '@tradewarden/local-infra';
import { readRuntimeFile } from '@tradewarden/platform-runtime';
import { SIMULATOR_USAGE, simulatorCommand } from './simulator-command';
import { allHealthy, collectStatus, formatStatus } from './status-command';

const USAGE = `usage: tradewarden <command>

commands:
  status [--json]   health of Kafka, PostgreSQL, Keycloak, the MT simulator and the five services
                    (exit code 0 when everything is healthy, 1 otherwise)
${SIMULATOR_USAGE}
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'status': {
      const unknown = rest.filter((arg) => arg !== '--json');
      if (unknown.length > 0) {
        process.stderr.write(`tradewarden status: unknown option ${unknown[0]}\n${USAGE}`);
        return 2;
      }
      const report = await collectStatus(readRuntimeFile(workspaceRoot()));
      process.stdout.write(rest.includes('--json') ? `${JSON.stringify(report, null, 2)}\n` : `${formatStatus(report)}\n`);
      return allHealthy(report) ? 0 : 1;
    }
    case 'simulator':
      process.stdout.write(`${await simulatorCommand(readRuntimeFile(workspaceRoot()), rest)}\n`);
      return 0;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`tradewarden: unknown command "${command}"\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`tradewarden: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
