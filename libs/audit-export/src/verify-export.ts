import { createPublicKey, type KeyObject } from 'node:crypto';
import { GENESIS_HASH, auditContentOf, checkpointVerifies, keyIdOf, recordHash } from '@tradewarden/audit-chain';
import { EXPORT_FORMAT_ID, EXPORT_FORMAT_VERSION, renderJsonLine, type CheckpointLine, type EndLine, type ExportLine, type HeaderLine, type RecordLine } from './json-lines';

/**
 * What verifying a JSON lines export found. On failure the counts cover the lines before the one that failed.
 *
 * What `valid` means depends on the export (read `scope` and `notes`): a complete export proves that every record of
 * its range is there, unaltered and in chain order; a filtered one proves each record's integrity and the links between
 * records that are consecutive in the chain, not that the filters' result is complete. Only records a verified
 * checkpoint vouches for (`signedRecords`) are proven to come from Tradewarden; the others are only consistent.
 */
export interface ExportVerdict {
  valid: boolean;
  /** Record lines checked. */
  records: number;
  firstSequence?: string;
  lastSequence?: string;
  /** The export is an unfiltered range and every record of it is in the file (false for filtered or invalid files). */
  complete: boolean;
  /** The filters the header states (empty for a complete export). */
  filters: Record<string, string>;
  /** Places where two records next to each other in the file are not next to each other in the chain (filtered exports). */
  gaps: number;
  /** Checkpoints whose signature verified with the given key. */
  checkpointsVerified: number;
  /** The highest verified checkpoint whose record is in the file, and that record's hash. */
  lastSignedSequence?: string;
  lastSignedHash?: string;
  /** Records a verified checkpoint vouches for: its record, and the records linked one by one before it in the file. */
  signedRecords: number;
  /** Records after the last verified checkpoint's record: consistent with the chain, not vouched for by the key. */
  unsignedTail: number;
  /** Key id of the public key the checkpoints were checked with. */
  keyId: string;
  /** One sentence: what this verdict proves about this file. */
  scope: string;
  /** What it does not prove, and what to compare with elsewhere. */
  notes: string[];
  firstBadSequence?: string;
  /** Line number (from 1) of the line that failed. */
  line?: number;
  reason?: string;
}

export interface VerifyExportOptions {
  /**
   * How the audit service derives `accounts` from details (accountsNamedIn). When given, each record's accounts must
   * be what its details name; otherwise accounts are reported as not covered by the hash.
   */
  accountsOf?: (details: unknown) => string[];
}

/** A line that fails verification: where, which sequence if known, and why. */
class ExportProblem extends Error {
  constructor(
    readonly line: number,
    reason: string,
    readonly sequence?: string,
  ) {
    super(reason);
  }
}

const SEQUENCE = /^[1-9][0-9]*$/;
const SEQUENCE_OR_ZERO = /^(0|[1-9][0-9]*)$/;
const HASH = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const MEMBERS: Record<ExportLine['kind'], readonly string[]> = {
  export: ['kind', 'format', 'version', 'exportedAt', 'complete', 'fromSequence', 'toSequence', 'filters', 'keyId'],
  record: ['kind', 'sequence', 'recordedAt', 'occurredAt', 'eventId', 'eventType', 'sourceTopic', 'actorSubject', 'actorUsername', 'actorRoles', 'actorClient', 'operationId', 'serverId', 'accounts', 'traceId', 'details', 'previousHash', 'hash'],
  checkpoint: ['kind', 'sequence', 'headHash', 'signedAt', 'keyId', 'signature'],
  end: ['kind', 'records', 'checkpoints'],
};

/** Reads the members of one parsed line, failing with the line number and the member's name. */
class Members {
  constructor(
    private readonly object: Record<string, unknown>,
    private readonly line: number,
    private readonly what: string,
    private readonly sequence?: string,
  ) {}

  private fail(message: string): never {
    throw new ExportProblem(this.line, `line ${this.line} (${this.what}): ${message}`, this.sequence);
  }

  exactly(names: readonly string[]): void {
    for (const name of names) if (!Object.prototype.hasOwnProperty.call(this.object, name)) this.fail(`missing field "${name}"`);
    const extra = Object.keys(this.object).find((name) => !names.includes(name));
    if (extra !== undefined) this.fail(`unexpected field "${extra}" (it would not be covered by the hash or signature)`);
  }

  string(name: string, pattern?: RegExp, described?: string): string {
    const value = this.object[name];
    if (typeof value !== 'string') this.fail(`"${name}" must be a string`);
    if (pattern && !pattern.test(value)) this.fail(`"${name}" must be ${described ?? `a string matching ${pattern}`}, not ${JSON.stringify(value)}`);
    return value;
  }

  strings(name: string): string[] {
    const value = this.object[name];
    if (!Array.isArray(value) || !value.every((element): element is string => typeof element === 'string')) this.fail(`"${name}" must be a list of strings`);
    return value;
  }

  boolean(name: string): boolean {
    const value = this.object[name];
    if (typeof value !== 'boolean') this.fail(`"${name}" must be true or false`);
    return value;
  }

  count(name: string): number {
    const value = this.object[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) this.fail(`"${name}" must be a whole number`);
    return value;
  }

  stringMap(name: string): Record<string, string> {
    const value = this.object[name];
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.values(value).every((member) => typeof member === 'string')) this.fail(`"${name}" must be an object of strings`);
    return value as Record<string, string>;
  }

  value(name: string): unknown {
    return this.object[name];
  }
}

/** Why a first line that is not JSON is not an export this can verify, naming the format when it is a known one. */
function notJsonLines(text: string, line: number): string {
  const only = 'only the JSON lines export (format jsonl) can be verified';
  if (text.startsWith('sequence,recorded_at,')) return `line ${line} is the header row of a CSV export: ${only}`;
  if (text.startsWith('CEF:')) return `line ${line} is a CEF event: ${only}`;
  if (/^<\d{1,3}>1 /.test(text)) return `line ${line} is a syslog message: ${only}`;
  return `line ${line} is not JSON: not a Tradewarden audit export in JSON lines`;
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function sameSet(left: readonly string[], right: readonly string[]): boolean {
  const a = [...new Set(left)].sort();
  const b = [...new Set(right)].sort();
  return a.length === b.length && a.every((value, index) => value === b[index]);
}

interface VerifyingKey {
  pem: string;
  keyId: string;
}

/** The public key the checkpoints must verify with; throws for input that is not an Ed25519 public key. */
function verifyingKey(publicKeyPem: string): VerifyingKey {
  let key: KeyObject;
  try {
    key = createPublicKey(publicKeyPem);
  } catch (error) {
    throw new Error(`the public key is not a PEM key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new Error(`the audit checkpoint key is Ed25519, this public key is ${key.asymmetricKeyType ?? 'unknown'}`);
  return { pem: key.export({ type: 'spki', format: 'pem' }).toString(), keyId: keyIdOf(key) };
}

/** The state of one verification: only counters and the last record and checkpoint, whatever the file's size. */
class ExportVerification {
  private header: HeaderLine | undefined;
  private from = 0n;
  private to = 0n;
  private ended = false;
  private records = 0;
  private checkpointLines = 0;
  private checkpointsVerified = 0;
  private checkpointsWithoutRecord = 0;
  private first: bigint | undefined;
  private last: { sequence: bigint; hash: string } | undefined;
  private lastCheckpoint: bigint | undefined;
  private lastSigned: { sequence: bigint; hash: string } | undefined;
  private gaps = 0;
  private links = 0;
  /** Records of the current run of linked records that no checkpoint vouches for yet. */
  private runUnsigned = 0;
  private signedRecords = 0;
  private unsignedTail = 0;

  constructor(
    private readonly key: VerifyingKey,
    private readonly options: VerifyExportOptions,
  ) {}

  accept(raw: string, line: number): void {
    let text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
    if (text.trim() === '') return;
    if (this.ended) throw new ExportProblem(line, `line ${line} comes after the end line: lines were appended to the export`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      if (!this.header) throw new ExportProblem(line, notJsonLines(text, line));
      throw new ExportProblem(line, `line ${line} is not valid JSON (cut short or edited)`);
    }
    if (!isObject(parsed) || typeof parsed['kind'] !== 'string') throw new ExportProblem(line, `line ${line} is not an export line (a JSON object with a "kind")`);
    const kind = parsed['kind'];
    if (!this.header) {
      if (kind !== 'export') throw new ExportProblem(line, `line ${line} is a ${JSON.stringify(kind)} line, but an export starts with its header line ("kind":"export"): the header is missing`);
      this.acceptHeader(parsed, text, line);
      return;
    }
    switch (kind) {
      case 'record':
        this.acceptRecord(parsed, text, line);
        return;
      case 'checkpoint':
        this.acceptCheckpoint(parsed, text, line);
        return;
      case 'end':
        this.acceptEnd(parsed, text, line);
        return;
      case 'export':
        throw new ExportProblem(line, `line ${line} is a second export header: files were concatenated`);
      default:
        throw new ExportProblem(line, `line ${line} has an unknown kind ${JSON.stringify(kind)}`);
    }
  }

  /** Parsed lines must render back to exactly their text: no duplicated keys, nothing re-formatted. */
  private requireAsWritten(parsed: ExportLine, text: string, line: number, sequence?: string): void {
    if (renderJsonLine(parsed) !== text) {
      throw new ExportProblem(line, `line ${line} is not exactly as exported (a duplicated key, or re-formatted): what a reader sees might not be what was verified`, sequence);
    }
  }

  private acceptHeader(object: Record<string, unknown>, text: string, line: number): void {
    const members = new Members(object, line, 'export header');
    members.exactly(MEMBERS.export);
    if (members.value('format') !== EXPORT_FORMAT_ID) throw new ExportProblem(line, `line ${line}: not a Tradewarden audit export (format ${JSON.stringify(members.value('format'))})`);
    if (members.value('version') !== EXPORT_FORMAT_VERSION) throw new ExportProblem(line, `line ${line}: export format version ${JSON.stringify(members.value('version'))} is not one this verifier knows (${EXPORT_FORMAT_VERSION})`);
    const header: HeaderLine = {
      kind: 'export',
      format: EXPORT_FORMAT_ID,
      version: EXPORT_FORMAT_VERSION,
      exportedAt: members.string('exportedAt', ISO_MILLIS, 'an ISO 8601 time with milliseconds'),
      complete: members.boolean('complete'),
      fromSequence: members.string('fromSequence', SEQUENCE, 'a sequence number'),
      toSequence: members.string('toSequence', SEQUENCE_OR_ZERO, 'a sequence number'),
      filters: members.stringMap('filters'),
      keyId: members.string('keyId', KEY_ID, '16 hex digits'),
    };
    this.requireAsWritten(header, text, line);
    this.from = BigInt(header.fromSequence);
    this.to = BigInt(header.toSequence);
    if (this.to < this.from - 1n) throw new ExportProblem(line, `line ${line}: the range ${header.fromSequence}-${header.toSequence} is reversed`);
    if (header.complete && Object.keys(header.filters).length > 0) throw new ExportProblem(line, `line ${line}: the header claims a complete export but names filters`);
    if (header.keyId !== this.key.keyId) {
      throw new ExportProblem(line, `line ${line}: the export's checkpoints are signed with key ${header.keyId}, not with the given public key (key id ${this.key.keyId}): check that you have the right key`);
    }
    this.header = header;
  }

  private acceptRecord(object: Record<string, unknown>, text: string, line: number): void {
    const sequenceValue = object['sequence'];
    const named = typeof sequenceValue === 'string' && SEQUENCE.test(sequenceValue) ? sequenceValue : undefined;
    const members = new Members(object, line, named ? `record ${named}` : 'record', named);
    members.exactly(MEMBERS.record);
    const record: RecordLine = {
      kind: 'record',
      sequence: members.string('sequence', SEQUENCE, 'a sequence number'),
      recordedAt: members.string('recordedAt', ISO_MILLIS, 'an ISO 8601 time with milliseconds'),
      occurredAt: members.string('occurredAt'),
      eventId: members.string('eventId'),
      eventType: members.string('eventType'),
      sourceTopic: members.string('sourceTopic'),
      actorSubject: members.string('actorSubject'),
      actorUsername: members.string('actorUsername'),
      actorRoles: members.strings('actorRoles'),
      actorClient: members.string('actorClient'),
      operationId: members.string('operationId'),
      serverId: members.string('serverId'),
      accounts: members.strings('accounts'),
      traceId: members.string('traceId'),
      details: members.value('details'),
      previousHash: members.string('previousHash', HASH, '64 lowercase hex digits'),
      hash: members.string('hash', HASH, '64 lowercase hex digits'),
    };
    const { sequence: name } = record;
    const fail = (reason: string, sequence = name): never => {
      throw new ExportProblem(line, `line ${line}: ${reason}`, sequence);
    };
    this.requireAsWritten(record, text, line, name);
    const sequence = BigInt(name);

    if (sequence < this.from || sequence > this.to) fail(`record ${name} is outside the export's range ${this.from}-${this.to}`);
    if (this.last && sequence <= this.last.sequence) fail(`record ${name} comes after record ${this.last.sequence}: records out of order or duplicated`);
    if (this.lastCheckpoint !== undefined && sequence <= this.lastCheckpoint) fail(`record ${name} comes after the checkpoint of sequence ${this.lastCheckpoint}, which must follow its record: lines out of order`);
    if (this.header!.complete) {
      const expected = this.last ? this.last.sequence + 1n : this.from;
      if (sequence !== expected) fail(`record ${expected} is missing (deleted, or records reordered): the next record is ${name}, and this export claims every record of ${this.from}-${this.to}`, expected.toString());
    }

    const content = auditContentOf(record);
    if (recordHash(record.previousHash, content) !== record.hash) fail(`record ${name} does not match its hash: its content was altered`);
    if (sequence === 1n && record.previousHash !== GENESIS_HASH) fail('record 1 does not start the chain (its previous hash is not the genesis hash of 64 zeros)');
    const linked = this.last !== undefined && sequence === this.last.sequence + 1n;
    if (linked && record.previousHash !== this.last!.hash) {
      fail(`record ${name} does not link to record ${this.last!.sequence} (its previousHash is not that record's hash): a record was inserted, replaced or reordered`);
    }
    if (this.options.accountsOf && !sameSet(record.accounts, this.options.accountsOf(record.details))) fail(`record ${name}'s accounts are not the accounts its details name`);

    if (this.last && !linked) this.gaps += 1;
    if (linked) this.links += 1;
    this.runUnsigned = linked ? this.runUnsigned + 1 : 1;
    this.unsignedTail += 1;
    this.records += 1;
    this.first ??= sequence;
    this.last = { sequence, hash: record.hash };
  }

  private acceptCheckpoint(object: Record<string, unknown>, text: string, line: number): void {
    const sequenceValue = object['sequence'];
    const named = typeof sequenceValue === 'string' && SEQUENCE.test(sequenceValue) ? sequenceValue : undefined;
    const members = new Members(object, line, named ? `checkpoint ${named}` : 'checkpoint', named);
    members.exactly(MEMBERS.checkpoint);
    const checkpoint: CheckpointLine = {
      kind: 'checkpoint',
      sequence: members.string('sequence', SEQUENCE, 'a sequence number'),
      headHash: members.string('headHash', HASH, '64 lowercase hex digits'),
      signedAt: members.string('signedAt'),
      keyId: members.string('keyId', KEY_ID, '16 hex digits'),
      signature: members.string('signature', BASE64, 'base64'),
    };
    const { sequence: name } = checkpoint;
    const fail = (reason: string): never => {
      throw new ExportProblem(line, `line ${line}: ${reason}`, name);
    };
    this.requireAsWritten(checkpoint, text, line, name);
    const sequence = BigInt(name);

    if (sequence < this.from || sequence > this.to) fail(`the checkpoint of sequence ${name} is outside the export's range ${this.from}-${this.to}`);
    if (this.lastCheckpoint !== undefined && sequence <= this.lastCheckpoint) fail(`the checkpoint of sequence ${name} comes after the checkpoint of ${this.lastCheckpoint}: out of order or duplicated`);
    if (this.last && sequence < this.last.sequence) fail(`the checkpoint of sequence ${name} comes after record ${this.last.sequence}: a checkpoint follows its record`);
    if (checkpoint.keyId !== this.key.keyId) fail(`the checkpoint of sequence ${name} is signed with key ${checkpoint.keyId}, not with the given public key (key id ${this.key.keyId})`);
    if (!checkpointVerifies(checkpoint, this.key.pem)) fail(`the signature of the checkpoint of sequence ${name} does not verify: the checkpoint was forged or altered`);
    this.checkpointLines += 1;
    this.checkpointsVerified += 1;
    this.lastCheckpoint = sequence;

    if (this.last?.sequence !== sequence) {
      this.checkpointsWithoutRecord += 1;
      return;
    }
    if (this.last.hash !== checkpoint.headHash) {
      fail(`record ${name} does not have the hash its signed checkpoint names: the record, or the chain before it, was rewritten`);
    }
    this.signedRecords += this.runUnsigned;
    this.runUnsigned = 0;
    this.unsignedTail = 0;
    this.lastSigned = { sequence, hash: checkpoint.headHash };
  }

  private acceptEnd(object: Record<string, unknown>, text: string, line: number): void {
    const members = new Members(object, line, 'end line');
    members.exactly(MEMBERS.end);
    const end: EndLine = { kind: 'end', records: members.count('records'), checkpoints: members.count('checkpoints') };
    this.requireAsWritten(end, text, line);
    this.requireRangeReached(line);
    if (end.records !== this.records) throw new ExportProblem(line, `line ${line}: the end line counts ${plural(end.records, 'record', 'records')}, the file holds ${this.records}: records were removed or added`);
    if (end.checkpoints !== this.checkpointLines) throw new ExportProblem(line, `line ${line}: the end line counts ${plural(end.checkpoints, 'checkpoint', 'checkpoints')}, the file holds ${this.checkpointLines}: checkpoints were removed or added`);
    this.ended = true;
  }

  /** A complete export must hold its range to the end. */
  private requireRangeReached(line: number): void {
    if (!this.header!.complete) return;
    const next = this.last ? this.last.sequence + 1n : this.from;
    if (next <= this.to) throw new ExportProblem(line, `line ${line}: the export is cut short: record ${next} is missing, and this export claims every record up to ${this.to}`, next.toString());
  }

  finish(lines: number): void {
    if (!this.header) throw new ExportProblem(Math.max(lines, 1), 'the file is empty: no export header');
    if (this.ended) return;
    this.requireRangeReached(lines);
    throw new ExportProblem(lines, `the file ends at line ${lines} without its end line: the export was cut short (or is still being written)`);
  }

  verdict(): ExportVerdict {
    const header = this.header!;
    return { valid: true, ...this.counts(), complete: header.complete, scope: this.scope(header), notes: this.notes(header) };
  }

  failed(problem: ExportProblem): ExportVerdict {
    return {
      valid: false,
      ...this.counts(),
      complete: false,
      scope: `Not verified: line ${problem.line} fails. The lines before it were checked, but this file as a whole cannot be relied on.`,
      notes: [],
      ...(problem.sequence === undefined ? {} : { firstBadSequence: problem.sequence }),
      line: problem.line,
      reason: problem.message,
    };
  }

  private counts(): Omit<ExportVerdict, 'valid' | 'complete' | 'scope' | 'notes' | 'firstBadSequence' | 'line' | 'reason'> {
    return {
      records: this.records,
      ...(this.first === undefined ? {} : { firstSequence: this.first.toString() }),
      ...(this.last === undefined ? {} : { lastSequence: this.last.sequence.toString() }),
      filters: this.header?.filters ?? {},
      gaps: this.gaps,
      checkpointsVerified: this.checkpointsVerified,
      ...(this.lastSigned === undefined ? {} : { lastSignedSequence: this.lastSigned.sequence.toString(), lastSignedHash: this.lastSigned.hash }),
      signedRecords: this.signedRecords,
      unsignedTail: this.unsignedTail,
      keyId: this.key.keyId,
    };
  }

  private scope(header: HeaderLine): string {
    const range = `${header.fromSequence}-${header.toSequence}`;
    if (header.complete) {
      if (this.records === 0) return `Complete export of an empty range (${range}): the trail held no records in it.`;
      const start = header.fromSequence === '1' ? ', back to the start of the chain' : '';
      return `Complete export of records ${range} (the range its header states): every record of the range is present, matches its hash and links to the record before it${start}.`;
    }
    const filters = Object.entries(header.filters).map(([name, value]) => `${name}=${value}`).join(', ') || 'no filters stated';
    return (
      `Filtered export (${filters}) within records ${range}: each of its ${plural(this.records, 'record', 'records')} matches its hash, and each record whose chain predecessor is also in the file links to it (${plural(this.links, 'link', 'links')} checked). ` +
      `This does not prove that the file holds every record the filters select: a record left out or deleted between two records of the file cannot be detected (${plural(this.gaps, 'gap', 'gaps')} between records of the file).`
    );
  }

  private notes(header: HeaderLine): string[] {
    const notes: string[] = [];
    if (this.records > 0) {
      if (!this.lastSigned) {
        notes.push(`No checkpoint in this file vouches for any of its records: they are consistent with each other, but nothing in the file proves that Tradewarden wrote them; anyone can compute such hashes.`);
      } else if (this.signedRecords === this.records) {
        notes.push(`Checkpoints signed with key ${this.key.keyId} vouch for every record, up to sequence ${this.lastSigned.sequence} (hash ${this.lastSigned.hash}).`);
      } else {
        const tail = this.unsignedTail > 0 ? ` The last ${plural(this.unsignedTail, 'record', 'records')}, after sequence ${this.lastSigned.sequence}, ${this.unsignedTail === 1 ? 'is' : 'are'} not covered by a checkpoint yet: consistent with the chain, but not vouched for by the key.` : '';
        const unlinked = this.records - this.signedRecords - this.unsignedTail;
        const loose = unlinked > 0 ? ` ${plural(unlinked, 'record is', 'records are')} not linked to a checkpointed record in this file (the filters left out records between them), so the key does not vouch for ${unlinked === 1 ? 'it' : 'them'} either.` : '';
        notes.push(`Checkpoints signed with key ${this.key.keyId} vouch for ${this.signedRecords} of the ${plural(this.records, 'record', 'records')}, up to sequence ${this.lastSigned.sequence} (hash ${this.lastSigned.hash}).${tail}${loose}`);
      }
    }
    if (this.checkpointsWithoutRecord > 0) {
      notes.push(`${plural(this.checkpointsWithoutRecord, 'verified checkpoint is', 'verified checkpoints are')} of records not in this file: ${this.checkpointsWithoutRecord === 1 ? 'its signature is' : 'their signatures are'} good, but ${this.checkpointsWithoutRecord === 1 ? 'it vouches' : 'they vouch'} for nothing in it.`);
    }
    notes.push(
      `The header (range${header.complete ? ', completeness' : ', filters'}) is not signed: a copy cut short after a checkpoint and relabelled would verify too. ` +
        `Compare lastSignedSequence and lastSignedHash with the checkpoints you hold (AuditService/ListCheckpoints, the compliance stream), and the key id with the key published out of band.`,
    );
    notes.push(
      this.options.accountsOf
        ? 'recordedAt (when the audit service wrote each record) is not covered by the hash; accounts were checked against what the details name.'
        : 'recordedAt (when the audit service wrote each record) and accounts (derived from the details, for querying) are not covered by the hash.',
    );
    return notes;
  }
}

/**
 * Verifies a JSON lines export offline, with the checkpoint public key alone, line by line (it holds one line and a few
 * counters, so files of millions of records are fine). Lines may end in CR (CRLF files); blank lines are skipped.
 * Checks: the header first; each record's hash recomputed from its content (details as parsed JSON); sequences
 * increasing, each linked to the record before it where that one is in the file, record 1 to the genesis hash; for a
 * complete export no record missing from fromSequence to toSequence; each checkpoint's signature and key, and the hash
 * of its record when that is in the file; the end line's counts and nothing after it. The verdict names the line and
 * the first bad sequence of the first failure.
 * Throws (rather than returning a verdict) when the public key is not an Ed25519 PEM key.
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, publicKeyPem: string, options: VerifyExportOptions = {}): Promise<ExportVerdict> {
  const verification = new ExportVerification(verifyingKey(publicKeyPem), options);
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      verification.accept(text, line);
    }
    verification.finish(line);
  } catch (error) {
    if (error instanceof ExportProblem) return verification.failed(error);
    throw error;
  }
  return verification.verdict();
}
