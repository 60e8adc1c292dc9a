import { createPublicKey } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { accountsNamedIn, checkpointVerifies } from '@tradewarden/audit-chain';
import { exportFormatValue, parseAuditExportFormat, verifyExport } from '@tradewarden/audit-export';
import { serverStreamCall, unaryCall, type GrpcClient } from '@tradewarden/grpc-client';
import { auditV1 } from '@tradewarden/proto';
import type { Metadata } from '@grpc/grpc-js';
import { integerFlag, parseArguments, timeFlag, type ParsedFlags } from './cli-arguments';
import { withSession, type CliEnvironment } from './cli-context';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { formatChainVerdict, formatCheckpointCheck, formatExportVerdict, formatRecordTable, type CheckpointCheck } from './audit-format';

export const AUDIT_USAGE = `  audit query [filters] [--after <seq>] [--limit <n>]
                                          audit records in chain order (filters: --operation <id> --actor <user>
                                          --server <id> --account <login> --event <type> --result <status>
                                          --since <time> --until <time>)
  audit export --out <file|-> [--format jsonl|csv|cef|syslog-cef] [filters] [--from-sequence <n>] [--to-sequence <n>]
                                          the records as a file; JSON lines (default) carry the signed checkpoints
  audit verify [--from-sequence <n>] [--to-sequence <n>] [--public-key <pem file>]
                                          the service recomputes the chain; the checkpoints are checked here
  audit verify --file <export.jsonl> --public-key <pem file>
                                          offline: an exported file against the broker's public key alone`;

const FILTER_FLAGS = {
  operation: 'string',
  actor: 'string',
  server: 'string',
  account: 'string',
  event: 'string',
  result: 'string',
  since: 'string',
  until: 'string',
} as const;

function sequenceFlag(name: string, value: string | undefined): string {
  if (value === undefined) return '';
  if (!/^\d{1,19}$/.test(value) || value === '0') throw new UsageError(`--${name}: "${value}" is not a sequence number (1 or more)`);
  return value;
}

function recordFilter(flags: ParsedFlags<typeof FILTER_FLAGS>): auditV1.ListRecordsRequest {
  if (flags.account !== undefined && !/^\d{1,20}$/.test(flags.account)) throw new UsageError(`--account: "${flags.account}" is not an MT account login`);
  return auditV1.ListRecordsRequest.fromPartial({
    operationId: flags.operation ?? '',
    actor: flags.actor ?? '',
    serverId: flags.server ?? '',
    account: flags.account ?? '',
    eventType: flags.event ?? '',
    result: flags.result?.toUpperCase() ?? '',
    occurredFrom: timeFlag('since', flags.since),
    occurredTo: timeFlag('until', flags.until),
  });
}

/** The broker's checkpoint key from a PEM file: refused unless it is an Ed25519 public (or private) key. */
function readPublicKey(path: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--public-key: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let key;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new UsageError(`--public-key: ${path} holds no PEM key`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`--public-key: ${path} holds a ${key.asymmetricKeyType ?? 'unknown'} key; audit checkpoints are signed with Ed25519`);
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

/** Writes text to a stream, waiting when its buffer is full: an export can be far bigger than memory. */
async function writeWithBackPressure(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

async function openOutput(path: string): Promise<{ stream: NodeJS.WritableStream; close(): Promise<void> }> {
  if (path === '-') return { stream: process.stdout, close: async () => undefined };
  const file: WriteStream = createWriteStream(path, { flags: 'wx' });
  await new Promise<void>((resolve, reject) => {
    file.once('open', () => resolve());
    file.once('error', (error: NodeJS.ErrnoException) => reject(new CliError(`--out: cannot create ${path} (${error.code === 'EEXIST' ? 'it exists; exports never overwrite' : (error.code ?? error.message)})`, ExitCode.Failed)));
  });
  return { stream: file, close: () => new Promise<void>((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve()))) };
}

/** Every checkpoint's signature, and that the record at its sequence has its head hash. */
async function checkCheckpoints(audit: GrpcClient<typeof auditV1.AuditServiceService>, metadata: Metadata, publicKeyPem: string, upTo: string): Promise<CheckpointCheck> {
  const check: CheckpointCheck = { checked: 0, problems: [] };
  let after = '';
  do {
    const page = await unaryCall(audit, 'listCheckpoints', { afterSequence: after, pageSize: 1000 }, metadata);
    for (const checkpoint of page.checkpoints) {
      if (upTo && BigInt(checkpoint.sequence) > BigInt(upTo)) return check;
      check.checked += 1;
      check.keyId = checkpoint.keyId;
      if (!checkpointVerifies(checkpoint, publicKeyPem)) {
        check.problems.push(`checkpoint ${checkpoint.sequence}: the signature does not verify with this key`);
        continue;
      }
      const { records } = await unaryCall(audit, 'listRecords', auditV1.ListRecordsRequest.fromPartial({ afterSequence: (BigInt(checkpoint.sequence) - 1n).toString(), pageSize: 1 }), metadata);
      const record = records[0];
      if (!record || record.sequence !== checkpoint.sequence) check.problems.push(`checkpoint ${checkpoint.sequence}: its record is missing from the trail`);
      else if (record.hash !== checkpoint.headHash) check.problems.push(`checkpoint ${checkpoint.sequence}: the record there has another hash than the one signed (history rewritten)`);
      else check.lastSequence = checkpoint.sequence;
    }
    after = page.nextAfterSequence;
  } while (after);
  return check;
}

async function queryCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, { usage: 'audit query [filters] [--after <seq>] [--limit <n>]', flags: { ...FILTER_FLAGS, after: 'string', limit: 'string' }, positionals: [] });
  const request = { ...recordFilter(flags), afterSequence: sequenceFlag('after', flags.after), pageSize: integerFlag('limit', flags.limit, { min: 1, max: 1000 }) ?? 100 };
  return withSession(environment, flags, 'audit query', async (session) => {
    const { records, nextAfterSequence } = await unaryCall(session.audit(), 'listRecords', request, await session.metadata());
    environment.output.out(
      flags.json
        ? `${JSON.stringify({ records: records.map((record) => auditV1.AuditRecord.toJSON(record)), nextAfterSequence }, null, 2)}\n`
        : `${formatRecordTable(records, nextAfterSequence)}\n`,
    );
    return ExitCode.Ok;
  });
}

async function exportCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, {
    usage: 'audit export --out <file|-> [--format jsonl|csv|cef|syslog-cef] [filters] [--from-sequence <n>] [--to-sequence <n>]',
    flags: { ...FILTER_FLAGS, out: 'string', format: 'string', 'from-sequence': 'string', 'to-sequence': 'string' },
    positionals: [],
  });
  if (!flags.out) throw new UsageError('audit export needs --out <file> (or --out - for standard output)');
  const format = parseAuditExportFormat(flags.format ?? 'jsonl');
  if (!format) throw new UsageError(`--format: "${flags.format}" is not one of jsonl, csv, cef, syslog-cef`);
  const request = auditV1.ExportRecordsRequest.fromPartial({
    filter: recordFilter(flags),
    format: exportFormatValue(format),
    fromSequence: sequenceFlag('from-sequence', flags['from-sequence']),
    toSequence: sequenceFlag('to-sequence', flags['to-sequence']),
  });
  return withSession(environment, flags, 'audit export', async (session) => {
    const metadata = await session.metadata();
    const output = await openOutput(flags.out!);
    let records = 0;
    try {
      for await (const chunk of serverStreamCall(session.audit(), 'exportRecords', request, metadata)) {
        await writeWithBackPressure(output.stream, chunk.text);
        records += chunk.records;
      }
    } finally {
      await output.close();
    }
    const where = flags.out === '-' ? 'standard output' : flags.out!;
    environment.output.err(`${records.toLocaleString('en-US')} records exported to ${where} (${format})\n`);
    return ExitCode.Ok;
  });
}

async function verifyFile(environment: CliEnvironment, file: string, publicKeyPem: string, json: boolean): Promise<ExitCode> {
  const input = createReadStream(file);
  const opened = new Promise<void>((resolve, reject) => {
    input.once('open', () => resolve());
    input.once('error', (error: NodeJS.ErrnoException) => reject(new UsageError(`--file: cannot read ${file} (${error.code ?? error.message})`)));
  });
  await opened;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let verdict;
  try {
    verdict = await verifyExport(lines, publicKeyPem, { accountsOf: accountsNamedIn });
  } catch (error) {
    // verifyExport throws only for a key it cannot use; a bad file is a verdict.
    throw new UsageError(`--public-key: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    lines.close();
    input.destroy();
  }
  environment.output.out(json ? `${JSON.stringify(verdict, null, 2)}\n` : `${formatExportVerdict(verdict)}\n`);
  return verdict.valid ? ExitCode.Ok : ExitCode.Failed;
}

async function verifyCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const { flags } = parseArguments(args, {
    usage: 'audit verify [--from-sequence <n>] [--to-sequence <n>] [--public-key <pem>] | audit verify --file <export.jsonl> --public-key <pem>',
    flags: { file: 'string', 'public-key': 'string', 'from-sequence': 'string', 'to-sequence': 'string' },
    positionals: [],
  });
  const publicKeyPem = flags['public-key'] === undefined ? undefined : readPublicKey(flags['public-key']);
  if (flags.file !== undefined) {
    if (!publicKeyPem) throw new UsageError('audit verify --file needs --public-key <pem file>: the broker publishes the key its checkpoints are signed with');
    if (flags['from-sequence'] || flags['to-sequence']) throw new UsageError('--from-sequence and --to-sequence apply to the live trail, not to --file');
    return verifyFile(environment, flags.file, publicKeyPem, flags.json === true);
  }
  const request = { fromSequence: sequenceFlag('from-sequence', flags['from-sequence']), toSequence: sequenceFlag('to-sequence', flags['to-sequence']) };
  return withSession(environment, flags, 'audit verify', async (session) => {
    const audit = session.audit();
    const metadata = await session.metadata();
    const chain = await unaryCall(audit, 'verifyChain', request, metadata, 600_000);
    const serverKey = (await unaryCall(audit, 'listCheckpoints', { afterSequence: '', pageSize: 1 }, metadata)).publicKeyPem;
    const checkpoints = await checkCheckpoints(audit, metadata, publicKeyPem ?? serverKey, request.toSequence);
    const keySource = publicKeyPem ? `the key in ${flags['public-key']}` : "the service's own key (pass --public-key to check against the key the broker published)";
    const valid = chain.valid && checkpoints.problems.length === 0;
    environment.output.out(
      flags.json
        ? `${JSON.stringify({ valid, chain: auditV1.VerifyChainResponse.toJSON(chain), checkpoints, trustedKey: publicKeyPem ? 'given' : 'service' }, null, 2)}\n`
        : `${formatChainVerdict(chain)}\n${formatCheckpointCheck(checkpoints, keySource)}\n`,
    );
    return valid ? ExitCode.Ok : ExitCode.Failed;
  });
}

export async function auditCommand(environment: CliEnvironment, args: readonly string[]): Promise<ExitCode> {
  const [sub, ...rest] = args;
  if (sub === 'query') return queryCommand(environment, rest);
  if (sub === 'export') return exportCommand(environment, rest);
  if (sub === 'verify') return verifyCommand(environment, rest);
  throw new UsageError(`unknown audit command "${sub ?? ''}"\nusage:\n${AUDIT_USAGE}`);
}
