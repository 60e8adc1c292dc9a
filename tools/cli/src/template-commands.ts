import { unaryCall } from '@tradewarden/grpc-client';
import { intakeV1 } from '@tradewarden/proto';
import { parseArguments } from './cli-arguments';
import { withSession, type CliEnvironment } from './cli-context';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { formatTemplate, formatTemplateList, parseTemplateReference } from './template-format';

export const TEMPLATES_USAGE = `  templates list                          the latest version of every template
  templates show <name[@version]>         one template: type, fixed params, constraints, approval policy`;

export async function templatesCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { flags } = parseArguments(rest, { usage: 'templates list', flags: {}, positionals: [] });
    return withSession(environment, flags, 'templates list', async (session) => {
      const { templates } = await unaryCall(session.intake(), 'listTemplates', {}, await session.metadata());
      environment.output.out(flags.json ? `${JSON.stringify(templates.map((template) => intakeV1.OperationTemplate.toJSON(template)), null, 2)}\n` : `${formatTemplateList(templates)}\n`);
      return ExitCode.Ok;
    });
  }
  if (sub === 'show') {
    const { flags, positionals } = parseArguments(rest, { usage: 'templates show <name[@version]>', flags: {}, positionals: ['name[@version]'] });
    const reference = parseTemplateReference(positionals[0]!);
    return withSession(environment, flags, 'templates show', async (session) => {
      const { template } = await unaryCall(session.intake(), 'getTemplate', reference, await session.metadata());
      if (!template) throw new CliError(`no template ${positionals[0]}`, ExitCode.Failed);
      environment.output.out(flags.json ? `${JSON.stringify(intakeV1.OperationTemplate.toJSON(template), null, 2)}\n` : `${formatTemplate(template)}\n`);
      return ExitCode.Ok;
    });
  }
  throw new UsageError(`unknown templates command "${sub ?? ''}"\nusage:\n${TEMPLATES_USAGE}`);
}
