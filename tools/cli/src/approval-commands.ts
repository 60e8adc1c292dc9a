import { unaryCall } from '@tradewarden/grpc-client';
import { approvalV1, intakeV1, operationV1 } from '@tradewarden/proto';
import { integerFlag, parseArguments, timeFlag } from './cli-arguments';
import { withSession, type CliEnvironment, type PlatformSession } from './cli-context';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { formatApprovalRequest, formatDelegation, formatDelegationList, formatMoreItems, formatOperationContext, formatPendingList, formatPlanItem } from './approval-format';

export const APPROVALS_USAGE = `  approvals list [--type t] [--limit N]   pending requests you may decide, the next to expire first
  approvals show <operation-id> [--items N]
                                          the request, its plan summary and the first N items' before -> after (20)
  approvals approve <operation-id> [--comment text] [--items N] [--yes]
                                          approve the plan shown (its digest is bound to the approval)
  approvals reject <operation-id> --reason text [--items N] [--yes]
  approvals delegate <username> --types 'balance.*' --until 2026-12-01T18:00:00Z --reason text
                                          lend your approve permission for these types until then
  approvals revoke <delegation-id>        end a delegation you gave
  approvals delegations                   the delegations in force you gave or received`;

/** Items of the plan shown by default before a decision; the rest are counted. */
const PLAN_ITEMS_SHOWN = 20;
/** GetApprovalPlan's largest page. */
const PLAN_PAGE_SIZE = 1000;
/** ListPending's largest page. */
const PENDING_PAGE_SIZE = 200;

const SHOW_USAGE = 'approvals show <operation-id> [--items N]';
const LIST_USAGE = 'approvals list [--type operation.type] [--limit N]';
const DELEGATE_USAGE = "approvals delegate <username> --types 'balance.*' --until 2026-12-01T18:00:00Z --reason text";

export async function approvalsCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return approvalsList(environment, rest);
    case 'show':
      return approvalsShow(environment, rest);
    case 'approve':
    case 'reject':
      return approvalsDecide(environment, sub, rest);
    case 'delegate':
      return approvalsDelegate(environment, rest);
    case 'revoke':
      return approvalsRevoke(environment, rest);
    case 'delegations':
      return approvalsDelegations(environment, rest);
    default:
      throw new UsageError(`unknown approvals command "${sub ?? ''}"\nusage:\n${APPROVALS_USAGE}`);
  }
}

/** --type of `approvals list`: ListPending filters on one exact type, so a glob would silently match nothing. */
export function pendingTypeFlag(value: string | undefined): string {
  if (value === undefined) return '';
  if (!/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/.test(value)) throw new UsageError(`--type: "${value}" is not an operation type such as balance.withdrawal (one type, no patterns)\nusage: tradewarden ${LIST_USAGE}`);
  return value;
}

/** --types of `approvals delegate`: one operation type or glob, as DelegateApprovals takes it. */
export function delegationPatternFlag(value: string | undefined): string {
  if (value === undefined) throw new UsageError(`approvals delegate needs --types <operation type or glob>, e.g. --types 'balance.*'\nusage: tradewarden ${DELEGATE_USAGE}`);
  if (value.includes(',')) throw new UsageError(`--types: one operation type or glob per delegation ("${value}" lists several): delegate once for each`);
  if (!/^[a-z*][a-z0-9_.*]*$/.test(value)) throw new UsageError(`--types: "${value}" is not an operation type or glob such as balance.withdrawal, 'balance.*' or '*'`);
  return value;
}

/** --until of `approvals delegate`: a zoned time in the future (the service also bounds how far ahead). */
export function delegationUntilFlag(value: string | undefined, now: number): Date {
  const until = timeFlag('until', value);
  if (!until) throw new UsageError(`approvals delegate needs --until <time>, an ISO 8601 time with its zone, e.g. 2026-12-01T18:00:00Z\nusage: tradewarden ${DELEGATE_USAGE}`);
  if (until.getTime() <= now) throw new UsageError(`--until: ${value} is not in the future`);
  return until;
}

async function approvalsList(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, { usage: LIST_USAGE, flags: { type: 'string', limit: 'string' }, positionals: [] });
  const limit = integerFlag('limit', flags.limit, { min: 1, max: 10_000 }) ?? 50;
  const operationType = pendingTypeFlag(flags.type);
  return withSession(environment, flags, 'approvals list', async (session) => {
    const approval = session.approval();
    const metadata = await session.metadata();
    const requests: approvalV1.ApprovalRequest[] = [];
    let pageToken = '';
    // One request beyond the limit tells whether more wait: a full page carries a token even when nothing follows.
    do {
      const page = await unaryCall(approval, 'listPending', { operationType, pageSize: Math.min(PENDING_PAGE_SIZE, limit + 1 - requests.length), pageToken }, metadata);
      requests.push(...page.approvalRequests);
      pageToken = page.nextPageToken;
    } while (pageToken && requests.length <= limit);
    const shown = requests.slice(0, limit);
    const more = requests.length > limit;
    environment.output.out(
      flags.json
        ? `${JSON.stringify({ approvalRequests: shown.map((request) => approvalV1.ApprovalRequest.toJSON(request)), more }, null, 2)}\n`
        : `${formatPendingList(shown, environment.now(), more)}\n`,
    );
    return ExitCode.Ok;
  });
}

/** What an approver is shown: the request, the operation's status and roll-out, and the first items of the plan. */
interface ApprovalView {
  request: approvalV1.ApprovalRequest;
  operation: intakeV1.Operation | undefined;
  items: operationV1.ItemPlan[];
  /** The plan has items beyond those fetched. */
  morePages: boolean;
}

async function approvalView(session: PlatformSession, operationId: string, itemsWanted: number): Promise<ApprovalView> {
  const metadata = await session.metadata();
  const approval = session.approval();
  const { approvalRequest } = await unaryCall(approval, 'getApprovalRequest', { operationId }, metadata);
  if (!approvalRequest) throw new CliError(`no approval request for ${operationId}`, ExitCode.Failed);
  const planItems = async () => {
    const items: operationV1.ItemPlan[] = [];
    let pageToken = '';
    while (items.length < itemsWanted) {
      const page = await unaryCall(approval, 'getApprovalPlan', { operationId, pageSize: Math.min(PLAN_PAGE_SIZE, itemsWanted - items.length), pageToken }, metadata);
      items.push(...page.items);
      pageToken = page.nextPageToken;
      if (!pageToken) break;
    }
    return { items: items.slice(0, itemsWanted), morePages: pageToken !== '' };
  };
  // The approval service has the plan, but not the roll-out options its digest also binds (not before, canary,
  // failure limits): those come from intake. One item is the smallest page it serves; the items shown are the plan's.
  const [plan, { operation }] = await Promise.all([planItems(), unaryCall(session.intake(), 'getOperation', { operationId, itemPageSize: 1, itemPageToken: '' }, metadata)]);
  return { request: approvalRequest, operation: operation && { ...operation, items: [] }, ...plan };
}

export function formatApprovalView(view: ApprovalView, now: number): string {
  const lines = [formatApprovalRequest(view.request, now)];
  if (view.operation) lines.push(formatOperationContext(view.operation));
  lines.push(...view.items.map(formatPlanItem));
  const more = formatMoreItems(view.items.length, view.request.summary?.itemCount ?? 0, view.morePages);
  if (more) lines.push(more);
  return lines.join('\n');
}

/** The --json document of `approvals show`: the ApprovalRequest message, with the operation and the plan's first items added. */
export function approvalViewJson(view: ApprovalView): Record<string, unknown> {
  return {
    ...(approvalV1.ApprovalRequest.toJSON(view.request) as Record<string, unknown>),
    ...(view.operation ? { operation: intakeV1.Operation.toJSON(view.operation) } : {}),
    plan: {
      items: view.items.map((item) => operationV1.ItemPlan.toJSON(item)),
      moreItems: Math.max((view.request.summary?.itemCount ?? 0) - view.items.length, 0),
    },
  };
}

function itemsFlag(value: string | undefined): number {
  return integerFlag('items', value, { min: 0, max: 100_000 }) ?? PLAN_ITEMS_SHOWN;
}

async function approvalsShow(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: SHOW_USAGE, flags: { items: 'string' }, positionals: ['operation-id'] });
  const itemsWanted = itemsFlag(flags.items);
  return withSession(environment, flags, 'approvals show', async (session) => {
    const view = await approvalView(session, positionals[0]!, itemsWanted);
    environment.output.out(flags.json ? `${JSON.stringify(approvalViewJson(view), null, 2)}\n` : `${formatApprovalView(view, environment.now())}\n`);
    return ExitCode.Ok;
  });
}

async function approvalsDecide(environment: CliEnvironment, decision: 'approve' | 'reject', args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, {
    usage: decision === 'approve' ? 'approvals approve <operation-id> [--comment text] [--items N] [--yes]' : 'approvals reject <operation-id> --reason text [--items N] [--yes]',
    flags: { comment: 'string', reason: 'string', yes: 'boolean', items: 'string' },
    positionals: ['operation-id'],
  });
  const operationId = positionals[0]!;
  const { reason, comment } = flags;
  if (decision === 'approve' && reason !== undefined) throw new UsageError('unknown option --reason for approve (did you mean --comment?)');
  if (decision === 'reject' && comment !== undefined) throw new UsageError('unknown option --comment for reject (give --reason)');
  if (decision === 'reject' && !reason) throw new UsageError('approvals reject needs --reason <text>');
  const itemsWanted = itemsFlag(flags.items);
  const output = environment.output;
  if (!flags.yes && !output.stdinIsTty) throw new UsageError(`not a terminal: confirm the ${decision} with --yes`);
  return withSession(environment, flags, `approvals ${decision}`, async (session) => {
    // The --json document is the decision alone: the plan's items would only be fetched to be thrown away.
    const view = await approvalView(session, operationId, flags.json ? 0 : itemsWanted);
    const request = view.request;
    if (!flags.json) output.err(`${formatApprovalView(view, environment.now())}\n`);
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
    output.out(
      flags.json ? `${JSON.stringify(updated ? approvalV1.ApprovalRequest.toJSON(updated) : {}, null, 2)}\n` : `${updated ? formatApprovalRequest(updated, environment.now()) : `${decision}d`}\n`,
    );
    return ExitCode.Ok;
  });
}

async function approvalsDelegate(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: DELEGATE_USAGE, flags: { types: 'string', until: 'string', reason: 'string' }, positionals: ['username'] });
  const operationTypePattern = delegationPatternFlag(flags.types);
  const validUntil = delegationUntilFlag(flags.until, environment.now());
  const reason = flags.reason?.trim();
  if (!reason) throw new UsageError(`approvals delegate needs --reason <text> (why, for the audit trail)\nusage: tradewarden ${DELEGATE_USAGE}`);
  return withSession(environment, flags, 'approvals delegate', async (session) => {
    const { delegation } = await unaryCall(session.approval(), 'delegateApprovals', { delegate: positionals[0]!, operationTypePattern, validUntil, reason }, await session.metadata());
    if (!delegation) throw new CliError('approvals delegate: the service answered without the delegation', ExitCode.Failed);
    environment.output.out(flags.json ? `${JSON.stringify(approvalV1.Delegation.toJSON(delegation), null, 2)}\n` : `${formatDelegation(delegation)}\n`);
    return ExitCode.Ok;
  });
}

async function approvalsRevoke(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'approvals revoke <delegation-id>', flags: {}, positionals: ['delegation-id'] });
  return withSession(environment, flags, 'approvals revoke', async (session) => {
    const { delegation } = await unaryCall(session.approval(), 'revokeDelegation', { delegationId: positionals[0]! }, await session.metadata());
    if (!delegation) throw new CliError('approvals revoke: the service answered without the delegation', ExitCode.Failed);
    environment.output.out(flags.json ? `${JSON.stringify(approvalV1.Delegation.toJSON(delegation), null, 2)}\n` : `${formatDelegation(delegation)}\n`);
    return ExitCode.Ok;
  });
}

async function approvalsDelegations(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, { usage: 'approvals delegations', flags: {}, positionals: [] });
  return withSession(environment, flags, 'approvals delegations', async (session) => {
    const { delegations } = await unaryCall(session.approval(), 'listDelegations', {}, await session.metadata());
    environment.output.out(
      flags.json ? `${JSON.stringify({ delegations: delegations.map((delegation) => approvalV1.Delegation.toJSON(delegation)) }, null, 2)}\n` : `${formatDelegationList(delegations)}\n`,
    );
    return ExitCode.Ok;
  });
}
