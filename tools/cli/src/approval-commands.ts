import { unaryCall } from './grpc-calls';
import { approvalV1 } from '@tradewarden/proto';
import { parseArguments } from './cli-arguments';
import { withSession, type CliEnvironment, type PlatformSession } from './cli-context';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { formatApprovalRequest } from './approval-format';
import { formatOperationItem, formatOperationSummary } from './operation-format';

export const APPROVALS_USAGE = `  approvals show <operation-id>           the approval request and the plan summary
  approvals approve <operation-id> [--comment text] [--yes]
                                          approve the plan shown (its digest is bound to the approval)
  approvals reject <operation-id> --reason text [--yes]`;

/** Items of the plan shown before a decision; the rest are counted. */
const PLAN_ITEMS_SHOWN = 20;

export async function approvalsCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'show':
      return approvalsShow(environment, rest);
    case 'approve':
    case 'reject':
      return approvalsDecide(environment, sub, rest);
    default:
      throw new UsageError(`unknown approvals command "${sub ?? ''}"\nusage:\n${APPROVALS_USAGE}`);
  }
}

/** The approval request and what it is about: the operation, its counts and the first items' before -> after. */
async function planSummary(session: PlatformSession, operationId: string): Promise<{ request: approvalV1.ApprovalRequest; text: string }> {
  const metadata = await session.metadata();
  const { approvalRequest } = await unaryCall(session.approval(), 'getApprovalRequest', { operationId }, metadata);
  if (!approvalRequest) throw new CliError(`no approval request for ${operationId}`, ExitCode.Failed);
  const { operation } = await unaryCall(session.intake(), 'getOperation', { operationId, itemPageSize: PLAN_ITEMS_SHOWN, itemPageToken: '' }, metadata);
  const lines = [formatApprovalRequest(approvalRequest)];
  if (operation) {
    lines.push(formatOperationSummary(operation), ...operation.items.map(formatOperationItem));
    const more = (operation.counts?.total ?? 0) - operation.items.length;
    if (more > 0) lines.push(`... ${more} more items (tradewarden ops show ${operationId})`);
  }
  return { request: approvalRequest, text: lines.join('\n') };
}

async function approvalsShow(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'approvals show <operation-id>', flags: {}, positionals: ['operation-id'] });
  return withSession(environment, flags, 'approvals show', async (session) => {
    const { request, text } = await planSummary(session, positionals[0]!);
    environment.output.out(flags.json ? `${JSON.stringify(approvalV1.ApprovalRequest.toJSON(request), null, 2)}\n` : `${text}\n`);
    return ExitCode.Ok;
  });
}

async function approvalsDecide(environment: CliEnvironment, decision: 'approve' | 'reject', args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, {
    usage: decision === 'approve' ? 'approvals approve <operation-id> [--comment text] [--yes]' : 'approvals reject <operation-id> --reason text [--yes]',
    flags: { comment: 'string', reason: 'string', yes: 'boolean' },
    positionals: ['operation-id'],
  });
  const operationId = positionals[0]!;
  const { reason, comment } = flags;
  if (decision === 'approve' && reason !== undefined) throw new UsageError('unknown option --reason for approve (did you mean --comment?)');
  if (decision === 'reject' && comment !== undefined) throw new UsageError('unknown option --comment for reject (give --reason)');
  if (decision === 'reject' && !reason) throw new UsageError('approvals reject needs --reason <text>');
  const output = environment.output;
  if (!flags.yes && !output.stdinIsTty) throw new UsageError(`not a terminal: confirm the ${decision} with --yes`);
  return withSession(environment, flags, `approvals ${decision}`, async (session) => {
    const { request, text } = await planSummary(session, operationId);
    if (!flags.json) output.err(`${text}\n`);
    if (!flags.yes && !(await output.confirm(`${decision} ${operationId} (plan digest ${request.planDigest.slice(0, 12)}...)?`))) {
      output.err('nothing done\n');
      return ExitCode.Failed;
    }
    const metadata = await session.metadata();
    const response =
      decision === 'approve'
        ? await unaryCall(session.approval(), 'approve', { operationId, planDigest: request.planDigest, comment: comment ?? '' }, metadata)
        : await unaryCall(session.approval(), 'reject', { operationId, planDigest: request.planDigest, reason: reason ?? '' }, metadata);
    const updated = response.approvalRequest;
    output.out(flags.json ? `${JSON.stringify(updated ? approvalV1.ApprovalRequest.toJSON(updated) : {}, null, 2)}\n` : `${updated ? formatApprovalRequest(updated) : `${decision}d`}\n`);
    return ExitCode.Ok;
  });
}
