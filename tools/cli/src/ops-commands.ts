import { serverStreamCall, unaryCall } from '@tradewarden/grpc-client';
import { writeReportCsv } from '@tradewarden/operation-csv';
import { intakeV1 } from '@tradewarden/proto';
import { integerFlag, parseArguments } from './cli-arguments';
import { withSession, type CliEnvironment } from './cli-context';
import { CliError, ExitCode, UsageError } from './exit-codes';
import {
  batchResultJson,
  exitCodeForFinalState,
  formatBatchResult,
  formatCounts,
  formatOperationItem,
  formatOperationList,
  formatOperationSummary,
  isFinal,
  operationStatusName,
  parseSince,
  parseStatuses,
} from './operation-format';
import { writeLinesToFile } from './refusal-report';

export const OPS_USAGE = `  ops list [--status s,...] [--type t] [--server id] [--submitter user] [--since 24h|date] [--limit N]
  ops show <id>                           the operation and every item (before -> after, status, error)
  ops watch <id>                          progress until a final state (exit 0 only when completed)
  ops cancel <id> --reason text           cancel before execution starts
  ops report <id> [--failed] [--out f.csv]  the per-row report as CSV (stdout without --out)
  ops retry <id> [--request-id id]        a new operation from the failed, rejected or drifted rows
  ops revert <id> --reason text [--request-id id]
                                          a new operation (operation.revert) undoing what <id> applied`;

/** Items asked for per GetOperation page. */
const ITEM_PAGE_SIZE = 1000;

export async function opsCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'list':
      return opsList(environment, rest);
    case 'show':
      return opsShow(environment, rest);
    case 'watch':
      return opsWatch(environment, rest);
    case 'cancel':
      return opsCancel(environment, rest);
    case 'report':
      return opsReport(environment, rest);
    case 'retry':
      return opsRetry(environment, rest);
    case 'revert':
      return opsRevert(environment, rest);
    default:
      throw new UsageError(`unknown ops command "${sub ?? ''}"\nusage:\n${OPS_USAGE}`);
  }
}

async function opsList(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, {
    usage: 'ops list [--status s,...] [--type t] [--server id] [--submitter user] [--since 24h|date] [--limit N]',
    flags: { status: 'list', type: 'string', server: 'string', submitter: 'string', since: 'string', limit: 'string' },
    positionals: [],
  });
  const limit = integerFlag('limit', flags.limit, { min: 1, max: 100_000 }) ?? 50;
  const request: intakeV1.ListOperationsRequest = {
    statuses: parseStatuses(flags.status ?? []),
    operationType: flags.type ?? '',
    serverId: flags.server ?? '',
    submittedBy: flags.submitter ?? '',
    submittedAfter: flags.since === undefined ? undefined : parseSince(flags.since, environment.now()),
    submittedBefore: undefined,
    pageSize: Math.min(limit, 500),
    pageToken: '',
  };
  return withSession(environment, flags, 'ops list', async (session) => {
    const intake = session.intake();
    const metadata = await session.metadata();
    const operations: intakeV1.Operation[] = [];
    let pageToken = '';
    do {
      const page = await unaryCall(intake, 'listOperations', { ...request, pageSize: Math.min(500, limit - operations.length), pageToken }, metadata);
      operations.push(...page.operations);
      pageToken = page.nextPageToken;
    } while (pageToken && operations.length < limit);
    const shown = operations.slice(0, limit);
    environment.output.out(
      flags.json ? `${JSON.stringify({ operations: shown.map((operation) => intakeV1.Operation.toJSON(operation)), more: pageToken !== '' }, null, 2)}\n` : `${formatOperationList(shown, pageToken)}\n`,
    );
    return ExitCode.Ok;
  });
}

async function opsShow(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'ops show <operation-id>', flags: {}, positionals: ['operation-id'] });
  return withSession(environment, flags, 'ops show', async (session) => {
    const intake = session.intake();
    const metadata = await session.metadata();
    let pageToken = '';
    let first: intakeV1.Operation | undefined;
    const items: intakeV1.OperationItem[] = [];
    do {
      const page = await unaryCall(intake, 'getOperation', { operationId: positionals[0]!, itemPageSize: ITEM_PAGE_SIZE, itemPageToken: pageToken }, metadata);
      first ??= page.operation;
      if (!flags.json && page.operation) {
        if (pageToken === '') environment.output.out(`${formatOperationSummary(page.operation)}\n`);
        for (const item of page.operation.items) environment.output.out(`${formatOperationItem(item)}\n`);
      } else items.push(...(page.operation?.items ?? []));
      pageToken = page.nextItemPageToken;
    } while (pageToken);
    if (!first) throw new CliError(`operation ${positionals[0]} not found`, ExitCode.Failed);
    if (flags.json) environment.output.out(`${JSON.stringify(intakeV1.Operation.toJSON({ ...first, items }), null, 2)}\n`);
    return ExitCode.Ok;
  });
}

async function opsWatch(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'ops watch <operation-id>', flags: {}, positionals: ['operation-id'] });
  return withSession(environment, flags, 'ops watch', async (session) => {
    const intake = session.intake();
    let last: intakeV1.Operation | undefined;
    for await (const update of serverStreamCall(intake, 'watchOperation', { operationId: positionals[0]! }, await session.metadata())) {
      if (!update.operation) continue;
      last = update.operation;
      environment.output.out(
        flags.json
          ? `${JSON.stringify(intakeV1.Operation.toJSON(last))}\n`
          : `${new Date(environment.now()).toISOString()}  ${operationStatusName(last.status)}  ${formatCounts(last.counts)}${last.statusReason ? `  (${last.statusReason})` : ''}\n`,
      );
      if (isFinal(last.status)) return exitCodeForFinalState(last.status);
    }
    throw new CliError(`the watch ended before ${positionals[0]} reached a final state${last ? ` (last: ${operationStatusName(last.status)})` : ''}`, ExitCode.Unavailable);
  });
}

async function opsCancel(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'ops cancel <operation-id> --reason <text>', flags: { reason: 'string' }, positionals: ['operation-id'] });
  if (!flags.reason) throw new UsageError('ops cancel needs --reason <text>');
  const reason = flags.reason;
  return withSession(environment, flags, 'ops cancel', async (session) => {
    const response = await unaryCall(session.intake(), 'cancelOperation', { operationId: positionals[0]!, reason }, await session.metadata());
    environment.output.out(flags.json ? `${JSON.stringify(intakeV1.CancelOperationResponse.toJSON(response), null, 2)}\n` : `cancelled\n${response.operation ? formatOperationSummary(response.operation) : ''}\n`);
    return ExitCode.Ok;
  });
}

async function opsReport(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'ops report <operation-id> [--failed] [--out file.csv]', flags: { failed: 'boolean', out: 'string' }, positionals: ['operation-id'] });
  if (flags.json) throw new UsageError('ops report writes CSV; --json does not apply');
  return withSession(environment, flags, 'ops report', async (session) => {
    const responses = serverStreamCall(session.intake(), 'getOperationReport', { operationId: positionals[0]!, onlyUnsuccessful: flags.failed ?? false }, await session.metadata());
    const rows = (async function* () {
      for await (const response of responses) yield* response.rows;
    })();
    if (flags.out === undefined) {
      for await (const line of writeReportCsv(rows)) environment.output.out(line);
      return ExitCode.Ok;
    }
    // The header is a line too.
    const count = (await writeLinesToFile(flags.out, writeReportCsv(rows))) - 1;
    environment.output.err(`${count} row${count === 1 ? '' : 's'} written to ${flags.out}\n`);
    return ExitCode.Ok;
  });
}

async function opsRetry(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, { usage: 'ops retry <operation-id> [--request-id <id>]', flags: { 'request-id': 'string' }, positionals: ['operation-id'] });
  const operationId = positionals[0]!;
  // Deterministic by default: running the same retry twice makes one new operation.
  const clientRequestId = flags['request-id'] ?? `retry-${operationId}`;
  return withSession(environment, flags, 'ops retry', async (session) => {
    const response = await unaryCall(session.intake(), 'retryFailedItems', { operationId, clientRequestId }, await session.metadata(), 120_000);
    const result = response.result;
    if (!result) throw new CliError('ops retry: the server answered without a result', ExitCode.Failed);
    environment.output.out(flags.json ? `${JSON.stringify(batchResultJson(result), null, 2)}\n` : `${formatBatchResult(result)}\n`);
    return result.submitted ? ExitCode.Ok : ExitCode.Failed;
  });
}

async function opsRevert(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags, positionals } = parseArguments(args, {
    usage: 'ops revert <operation-id> --reason <text> [--request-id <id>]',
    flags: { reason: 'string', 'request-id': 'string' },
    positionals: ['operation-id'],
  });
  if (!flags.reason) throw new UsageError('ops revert needs --reason <text> (shown to approvers, kept in the audit trail)');
  const operationId = positionals[0]!;
  const reason = flags.reason;
  // Deterministic by default, like retry: running the same revert twice asks for one revert.
  const clientRequestId = flags['request-id'] ?? `revert-${operationId}`;
  return withSession(environment, flags, 'ops revert', async (session) => {
    const response = await unaryCall(session.intake(), 'revertOperation', { operationId, clientRequestId, reason }, await session.metadata(), 120_000);
    if (flags.json) {
      environment.output.out(`${JSON.stringify(intakeV1.RevertOperationResponse.toJSON(response), null, 2)}\n`);
      return ExitCode.Ok;
    }
    const lines = [response.replayed ? 'already asked for (same request id)' : 'revert submitted'];
    if (response.operation) lines.push(formatOperationSummary(response.operation));
    if (response.irreversibleRows.length > 0) lines.push(`  left out, cannot be undone: row${response.irreversibleRows.length === 1 ? '' : 's'} ${response.irreversibleRows.join(', ')}`);
    environment.output.out(`${lines.join('\n')}\n`);
    return ExitCode.Ok;
  });
}
