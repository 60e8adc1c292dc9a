import { unaryCall } from '@tradewarden/grpc-client';
import { gatewayV1 } from '@tradewarden/proto';
import { parseArguments } from './cli-arguments';
import { withSession, type CliEnvironment } from './cli-context';
import { ExitCode, UsageError } from './exit-codes';

export const CREDENTIALS_USAGE = `  credentials claim <operation-id> <item-id>
                                          the generated passwords of an account.create / reset_password item, once`;

export function formatCredentials(claimed: gatewayV1.ClaimCredentialsResponse): string {
  const lines = [`server ${claimed.serverId}  login ${claimed.login}`];
  if (claimed.mainPassword) lines.push(`  main password:     ${claimed.mainPassword}`);
  if (claimed.investorPassword) lines.push(`  investor password: ${claimed.investorPassword}`);
  return lines.join('\n');
}

export const CREDENTIALS_WARNING = 'these passwords are shown this once: they are erased on the server and cannot be claimed again';

export async function credentialsCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub !== 'claim') throw new UsageError(`unknown credentials command "${sub ?? ''}"\nusage:\n${CREDENTIALS_USAGE}`);
  const { flags, positionals } = parseArguments(rest, { usage: 'credentials claim <operation-id> <item-id>', flags: {}, positionals: ['operation-id', 'item-id'] });
  return withSession(environment, flags, 'credentials claim', async (session) => {
    const claimed = await unaryCall(session.gateway(), 'claimCredentials', { operationId: positionals[0]!, itemId: positionals[1]! }, await session.metadata());
    environment.output.out(flags.json ? `${JSON.stringify(gatewayV1.ClaimCredentialsResponse.toJSON(claimed), null, 2)}\n` : `${formatCredentials(claimed)}\n`);
    environment.output.err(`warning: ${CREDENTIALS_WARNING}\n`);
    return ExitCode.Ok;
  });
}
