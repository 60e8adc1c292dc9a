import { generateKeyPairSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { GENESIS_HASH, recordHash, signCheckpoint, type AuditContent } from '@tradewarden/audit-chain';
import type { auditV1 } from '@tradewarden/proto';
import { exportChunks } from './export-lines';
import { auditChain, auditRecordOf, checkpointKey, checkpointsOf, contentOf, exportedLines, exportHeader, loginsIn } from './testing/audit-chain.fixture';
import { verifyExport } from './verify-export';

const key = checkpointKey();
const records = auditChain(10);
const checkpoints = checkpointsOf(records, [4, 8], key);
const header = exportHeader({ keyId: key.keyId });

/**
 * The complete export of records 1-10 with checkpoints at 4 and 8:
 * line 1 header, 2-5 records 1-4, 6 checkpoint 4, 7-10 records 5-8, 11 checkpoint 8, 12-13 records 9-10, 14 end.
 */
let lines: string[];
beforeAll(async () => {
  lines = await exportedLines('jsonl', header, records, checkpoints);
});

const verify = (input: AsyncIterable<string> | Iterable<string>, publicKeyPem = key.publicKeyPem) => verifyExport(input, publicKeyPem);

/** Index in `lines` of the line of record `sequence` (its line number is the index + 1). */
function recordIndex(input: readonly string[], sequence: number): number {
  const index = input.findIndex((line) => line.includes('"kind":"record"') && (JSON.parse(line) as { sequence: string }).sequence === String(sequence));
  if (index < 0) throw new Error(`no record ${sequence}`);
  return index;
}

type Json = Record<string, unknown>;

/** The lines with record `sequence` changed by `edit` (written back as JSON in its member order). */
function editRecord(input: readonly string[], sequence: number, edit: (record: Json) => void): string[] {
  const copy = [...input];
  const index = recordIndex(copy, sequence);
  const record = JSON.parse(copy[index]!) as Json;
  edit(record);
  copy[index] = JSON.stringify(record);
  return copy;
}

/** What a careful forger does after editing: recompute the record's own hash. */
function rehash(record: Json): void {
  const { kind: _kind, recordedAt: _recordedAt, accounts: _accounts, previousHash, hash: _hash, ...content } = record;
  record['hash'] = recordHash(previousHash as string, content as unknown as AuditContent);
}

function without(input: readonly string[], ...indexes: number[]): string[] {
  return input.filter((_line, index) => !indexes.includes(index));
}

describe('verifyExport: an intact export', () => {
  it('verifies a complete export and says how far the checkpoints vouch for it', async () => {
    const verdict = await verify(lines);
    expect(verdict).toMatchObject({
      valid: true,
      records: 10,
      firstSequence: '1',
      lastSequence: '10',
      complete: true,
      filters: {},
      gaps: 0,
      checkpointsVerified: 2,
      lastSignedSequence: '8',
      lastSignedHash: records[7]!.hash,
      signedRecords: 8,
      unsignedTail: 2,
      keyId: key.keyId,
    });
    expect(verdict.firstBadSequence).toBeUndefined();
    expect(verdict.scope).toBe('Complete export of records 1-10 (the range its header states): every record of the range is present, matches its hash and links to the record before it, back to the start of the chain.');
    expect(verdict.notes.join('\n')).toContain('vouch for 8 of the 10 records, up to sequence 8');
    expect(verdict.notes.join('\n')).toContain('The last 2 records, after sequence 8, are not covered by a checkpoint yet');
    expect(verdict.notes.join('\n')).toContain('The header (range, completeness) is not signed');
    expect(verdict.notes.join('\n')).toContain('accounts (derived from the details, for querying) are not covered by the hash');
  });

  it('says every record is vouched for when the last one has a checkpoint', async () => {
    const verdict = await verify(await exportedLines('jsonl', header, records, checkpointsOf(records, [5, 10], key)));
    expect(verdict).toMatchObject({ valid: true, signedRecords: 10, unsignedTail: 0, lastSignedSequence: '10' });
    expect(verdict.notes[0]).toContain('vouch for every record, up to sequence 10');
  });

  it('says nothing is vouched for when no checkpoint is in the file', async () => {
    const verdict = await verify(await exportedLines('jsonl', header, records, []));
    expect(verdict).toMatchObject({ valid: true, complete: true, checkpointsVerified: 0, signedRecords: 0, unsignedTail: 10 });
    expect(verdict.lastSignedSequence).toBeUndefined();
    expect(verdict.notes[0]).toContain('nothing in the file proves that Tradewarden wrote them');
  });

  it('verifies a complete export of a range that does not start at 1', async () => {
    const tail = records.slice(4);
    const verdict = await verify(await exportedLines('jsonl', { ...header, fromSequence: '5' }, tail, checkpointsOf(records, [4, 8], key)));
    expect(verdict).toMatchObject({ valid: true, records: 6, firstSequence: '5', complete: true, signedRecords: 4, lastSignedSequence: '8' });
    expect(verdict.scope).toBe('Complete export of records 5-10 (the range its header states): every record of the range is present, matches its hash and links to the record before it.');
  });

  it('verifies a complete export of an empty trail', async () => {
    const verdict = await verify(await exportedLines('jsonl', { ...header, toSequence: '0' }, [], []));
    expect(verdict).toMatchObject({ valid: true, records: 0, complete: true });
    expect(verdict.scope).toContain('empty range');
  });

  it('reads a file as the CLI would: a stream through readline, CRLF line ends and a BOM', async () => {
    const input = Readable.from([`\uFEFF${lines.join('\r\n')}\r\n`]);
    const verdict = await verify(createInterface({ input, crlfDelay: Infinity }));
    expect(verdict).toMatchObject({ valid: true, records: 10 });
    expect(await verify(lines.map((line) => `${line}\r`))).toMatchObject({ valid: true, records: 10 });
  });

  it('streams: verifies a generated export of 2,500 records without holding it', async () => {
    const many = auditChain(2500);
    const manyCheckpoints = checkpointsOf(many, [1000, 2000], key);
    async function* fileLines(): AsyncGenerator<string> {
      for await (const chunk of exportChunks('jsonl', { header: { ...header, toSequence: '2500' }, records: many, checkpoints: manyCheckpoints })) {
        yield* chunk.text.split('\n').slice(0, -1);
      }
    }
    expect(await verify(fileLines())).toMatchObject({ valid: true, records: 2500, checkpointsVerified: 2, lastSignedSequence: '2000', signedRecords: 2000, unsignedTail: 500 });
  });

  it('refuses a public key that is not an Ed25519 PEM key', async () => {
    await expect(verify(lines, 'not a key')).rejects.toThrow('the public key is not a PEM key');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await expect(verify(lines, rsa)).rejects.toThrow('this public key is rsa');
  });
});

describe('verifyExport: a tampered complete export', () => {
  it('names an edited record', async () => {
    const edited = editRecord(lines, 6, (record) => {
      (record['details'] as Json)['amount'] = '999999.00';
    });
    expect(await verify(edited)).toMatchObject({ valid: false, complete: false, firstBadSequence: '6', line: 8, reason: 'line 8: record 6 does not match its hash: its content was altered', records: 5 });
  });

  it('names the record after an edited record whose hash was recomputed', async () => {
    const edited = editRecord(lines, 6, (record) => {
      record['actorUsername'] = 'someone-else';
      rehash(record);
    });
    expect(await verify(edited)).toMatchObject({ valid: false, firstBadSequence: '7', line: 9, reason: expect.stringContaining('record 7 does not link to record 6') });
  });

  it('names a rehashed record that a checkpoint signed', async () => {
    const edited = editRecord(lines, 8, (record) => {
      record['occurredAt'] = '2026-11-27T07:00:00.000Z';
      rehash(record);
    });
    expect(await verify(edited)).toMatchObject({ valid: false, firstBadSequence: '8', line: 11, reason: expect.stringContaining('record 8 does not have the hash its signed checkpoint names') });
  });

  it('cannot tell a rehashed record after the last checkpoint, and says that the tail is not vouched for', async () => {
    const edited = editRecord(lines, 10, (record) => {
      record['actorUsername'] = 'someone-else';
      rehash(record);
    });
    const verdict = await verify(edited);
    expect(verdict).toMatchObject({ valid: true, unsignedTail: 2, lastSignedSequence: '8' });
    expect(verdict.notes[0]).toContain('not vouched for by the key');
  });

  it('names a deleted record', async () => {
    expect(await verify(without(lines, recordIndex(lines, 5)))).toMatchObject({
      valid: false,
      firstBadSequence: '5',
      line: 7,
      reason: expect.stringContaining('record 5 is missing (deleted, or records reordered): the next record is 6'),
    });
  });

  it('names reordered records', async () => {
    const reordered = [...lines];
    [reordered[6], reordered[7]] = [reordered[7]!, reordered[6]!];
    expect(await verify(reordered)).toMatchObject({ valid: false, firstBadSequence: '5', line: 7, reason: expect.stringContaining('record 5 is missing') });
  });

  it('names an inserted record with a duplicate sequence', async () => {
    const forgedContent = contentOf(5, { actorUsername: 'forger', eventId: 'forged' });
    const forged = auditRecordOf(forgedContent, records[3]!.hash, recordHash(records[3]!.hash, forgedContent));
    const forgedLines = await exportedLines('jsonl', { ...header, fromSequence: '5', toSequence: '5' }, [forged], []);
    const inserted = [...lines];
    inserted.splice(recordIndex(lines, 5), 0, forgedLines[1]!);
    expect(await verify(inserted)).toMatchObject({ valid: false, firstBadSequence: '5', line: 8, reason: expect.stringContaining('record 5 comes after record 5: records out of order or duplicated') });
  });

  it('names the checkpointed record when a forger inserts a record and rewrites the whole chain after it', async () => {
    const rewritten = auditChain(11, (sequence) => (sequence < 5 ? contentOf(sequence) : sequence === 5 ? contentOf(5, { actorUsername: 'forger', eventId: 'forged' }) : contentOf(sequence - 1, { sequence: String(sequence) })));
    const forged = await exportedLines('jsonl', { ...header, toSequence: '11' }, rewritten, []);
    const withOldCheckpoints = [...forged];
    withOldCheckpoints.splice(recordIndex(forged, 8) + 1, 0, lines[10]!);
    withOldCheckpoints.splice(recordIndex(forged, 4) + 1, 0, lines[5]!);
    const end = withOldCheckpoints.length - 1;
    withOldCheckpoints[end] = withOldCheckpoints[end]!.replace('"checkpoints":0', '"checkpoints":2');
    expect(await verify(withOldCheckpoints)).toMatchObject({ valid: false, firstBadSequence: '8', reason: expect.stringContaining('record 8 does not have the hash its signed checkpoint names') });
  });

  it('names record 1 when it does not start at the genesis hash', async () => {
    const content = contentOf(1);
    const previousHash = 'ab'.repeat(32);
    const first = auditRecordOf(content, previousHash, recordHash(previousHash, content));
    expect(await verify(await exportedLines('jsonl', { ...header, toSequence: '1' }, [first], []))).toMatchObject({ valid: false, firstBadSequence: '1', line: 2, reason: expect.stringContaining('genesis hash') });
    expect(GENESIS_HASH).not.toBe(previousHash);
  });

  it('names the first missing record of a truncated export, with or without its end line', async () => {
    const cutWithEnd = without(lines, 11, 12);
    expect(await verify(cutWithEnd)).toMatchObject({ valid: false, firstBadSequence: '9', line: 12, reason: expect.stringContaining('cut short: record 9 is missing') });
    const cut = lines.slice(0, 11);
    expect(await verify(cut)).toMatchObject({ valid: false, firstBadSequence: '9', line: 11, reason: expect.stringContaining('cut short: record 9 is missing') });
  });

  it('names the line of a file cut in the middle of a line', async () => {
    const cut = [...lines.slice(0, 12), lines[12]!.slice(0, 40)];
    expect(await verify(cut)).toMatchObject({ valid: false, line: 13, reason: 'line 13 is not valid JSON (cut short or edited)' });
  });

  it('fails a file without its end line', async () => {
    expect(await verify(lines.slice(0, -1))).toMatchObject({ valid: false, line: 13, reason: expect.stringContaining('without its end line') });
  });

  it('fails when the end line does not count what the file holds', async () => {
    expect(await verify(without(lines, 5))).toMatchObject({ valid: false, line: 13, reason: expect.stringContaining('the end line counts 2 checkpoints, the file holds 1') });
  });

  it('fails lines appended after the end line', async () => {
    expect(await verify([...lines, lines[1]!])).toMatchObject({ valid: false, line: 15, reason: expect.stringContaining('comes after the end line') });
  });
});

describe('verifyExport: checkpoints and keys', () => {
  it('names a checkpoint whose signature does not verify', async () => {
    const forged = [...lines];
    forged[5] = forged[5]!.replace(records[3]!.hash, records[2]!.hash);
    expect(await verify(forged)).toMatchObject({ valid: false, firstBadSequence: '4', line: 6, reason: expect.stringContaining('signature of the checkpoint of sequence 4 does not verify') });
  });

  it('names a checkpoint signed with another key', async () => {
    const other = checkpointKey();
    const foreign = signCheckpoint({ sequence: '8', headHash: records[7]!.hash, signedAt: '2026-11-27T08:00:00.008Z' }, other);
    const swapped = [...lines];
    swapped[10] = JSON.stringify({ kind: 'checkpoint', ...foreign });
    expect(await verify(swapped)).toMatchObject({
      valid: false,
      firstBadSequence: '8',
      line: 11,
      reason: `line 11: the checkpoint of sequence 8 is signed with key ${other.keyId}, not with the given public key (key id ${key.keyId})`,
    });
  });

  it('fails on line 1 when given the wrong public key', async () => {
    const other = checkpointKey();
    expect(await verify(lines, other.publicKeyPem)).toMatchObject({ valid: false, line: 1, records: 0, reason: expect.stringContaining(`signed with key ${key.keyId}, not with the given public key (key id ${other.keyId})`) });
  });

  it('fails a checkpoint placed before its record', async () => {
    const moved = [...lines];
    const [checkpoint] = moved.splice(10, 1);
    moved.splice(7, 0, checkpoint!);
    expect(await verify(moved)).toMatchObject({ valid: false, firstBadSequence: '6', line: 9, reason: expect.stringContaining('record 6 comes after the checkpoint of sequence 8') });
  });
});

describe('verifyExport: a filtered export', () => {
  const selected = [2, 3, 7, 9].map((sequence) => records[sequence - 1]!);
  const filtered = exportHeader({ keyId: key.keyId, complete: false, filters: { operation_id: 'op-1' } });
  let filteredLines: string[];
  beforeAll(async () => {
    filteredLines = await exportedLines('jsonl', filtered, selected, checkpointsOf(records, [3, 8], key));
  });

  it('verifies each record and the links it can, and says that completeness is not proven', async () => {
    const verdict = await verify(filteredLines);
    expect(verdict).toMatchObject({
      valid: true,
      records: 4,
      firstSequence: '2',
      lastSequence: '9',
      complete: false,
      filters: { operation_id: 'op-1' },
      gaps: 2,
      checkpointsVerified: 2,
      lastSignedSequence: '3',
      signedRecords: 2,
      unsignedTail: 2,
    });
    expect(verdict.scope).toContain('Filtered export (operation_id=op-1) within records 1-10: each of its 4 records matches its hash');
    expect(verdict.scope).toContain('(1 link checked)');
    expect(verdict.scope).toContain('does not prove that the file holds every record the filters select');
    expect(verdict.notes.join('\n')).toContain('1 verified checkpoint is of records not in this file');
  });

  it('tells a filtered export cut short by its end line', async () => {
    expect(await verify(without(filteredLines, recordIndex(filteredLines, 7)))).toMatchObject({ valid: false, line: 7, reason: 'line 7: the end line counts 4 records, the file holds 3: records were removed or added' });
    expect(await verify(filteredLines.slice(0, -2))).toMatchObject({ valid: false, line: 6, reason: expect.stringContaining('the file ends at line 6 without its end line') });
  });

  it('cannot see a record deleted from a filtered export, and says so', async () => {
    const verdict = await verify(without(filteredLines, recordIndex(filteredLines, 7)).map((line) => line.replace('"records":4', '"records":3')));
    expect(verdict).toMatchObject({ valid: true, records: 3, gaps: 1 });
    expect(verdict.scope).toContain('cannot be detected');
  });

  it('still checks the links between records that are consecutive in the chain', async () => {
    const edited = editRecord(filteredLines, 2, (record) => {
      record['actorUsername'] = 'forger';
      rehash(record);
    });
    expect(await verify(edited)).toMatchObject({ valid: false, firstBadSequence: '3', reason: expect.stringContaining('record 3 does not link to record 2') });
  });

  it('fails records out of order and records outside the stated range', async () => {
    const reordered = [...filteredLines];
    const two = recordIndex(reordered, 2);
    const three = recordIndex(reordered, 3);
    [reordered[two], reordered[three]] = [reordered[three]!, reordered[two]!];
    expect(await verify(reordered)).toMatchObject({ valid: false, firstBadSequence: '2', line: 3, reason: 'line 3: record 2 comes after record 3: records out of order or duplicated' });
    const checkpointLate = [...filteredLines];
    [checkpointLate[5], checkpointLate[6]] = [checkpointLate[6]!, checkpointLate[5]!];
    expect(await verify(checkpointLate)).toMatchObject({ valid: false, firstBadSequence: '8', line: 7, reason: 'line 7: the checkpoint of sequence 8 comes after record 9: a checkpoint follows its record' });
    const narrowed = [filteredLines[0]!.replace('"toSequence":"10"', '"toSequence":"8"'), ...filteredLines.slice(1)];
    expect(await verify(narrowed)).toMatchObject({ valid: false, firstBadSequence: '9', reason: expect.stringContaining("record 9 is outside the export's range 1-8") });
  });
});

describe('verifyExport: accounts', () => {
  const tampered = () =>
    editRecord(lines, 4, (record) => {
      record['accounts'] = ['999999'];
    });

  it('reports accounts as outside the hash unless told how they are derived', async () => {
    expect(await verify(tampered())).toMatchObject({ valid: true });
    expect(await verifyExport(lines, key.publicKeyPem, { accountsOf: loginsIn })).toMatchObject({ valid: true });
    expect(await verifyExport(tampered(), key.publicKeyPem, { accountsOf: loginsIn })).toMatchObject({ valid: false, firstBadSequence: '4', line: 5, reason: "line 5: record 4's accounts are not the accounts its details name" });
  });
});

describe('verifyExport: malformed input', () => {
  it.each([
    ['a line that is not JSON', (input: string[]) => [...input.slice(0, 3), '{"kind":"record",', ...input.slice(4)], 4, 'line 4 is not valid JSON (cut short or edited)', undefined],
    ['a record without its hash', (input: string[]) => editRecord(input, 3, (record) => delete record['hash']), 4, 'line 4 (record 3): missing field "hash"', '3'],
    ['a record with roles that are not a list', (input: string[]) => editRecord(input, 3, (record) => (record['actorRoles'] = 'ops-agent')), 4, 'line 4 (record 3): "actorRoles" must be a list of strings', '3'],
    ['a record with an extra field', (input: string[]) => editRecord(input, 3, (record) => (record['approvedBy'] = 'supervisor')), 4, 'line 4 (record 3): unexpected field "approvedBy" (it would not be covered by the hash or signature)', '3'],
    ['a record with a bad sequence', (input: string[]) => editRecord(input, 3, (record) => (record['sequence'] = '03')), 4, 'line 4 (record): "sequence" must be a sequence number, not "03"', undefined],
    ['a record with a bad hash', (input: string[]) => editRecord(input, 3, (record) => (record['hash'] = 'XYZ')), 4, 'line 4 (record 3): "hash" must be 64 lowercase hex digits, not "XYZ"', '3'],
    ['a line of an unknown kind', (input: string[]) => [...input.slice(0, 3), '{"kind":"comment"}', ...input.slice(3)], 4, 'line 4 has an unknown kind "comment"', undefined],
    ['a line that is not an object', (input: string[]) => [...input.slice(0, 3), '[1,2]', ...input.slice(3)], 4, 'line 4 is not an export line (a JSON object with a "kind")', undefined],
    ['a second header', (input: string[]) => [...input.slice(0, 3), input[0]!, ...input.slice(3)], 4, 'line 4 is a second export header: files were concatenated', undefined],
    ['a missing header', (input: string[]) => input.slice(1), 1, 'line 1 is a "record" line, but an export starts with its header line ("kind":"export"): the header is missing', undefined],
    ['a header of another version', (input: string[]) => [input[0]!.replace('"version":1', '"version":2'), ...input.slice(1)], 1, 'line 1: export format version 2 is not one this verifier knows (1)', undefined],
    ['a complete header with filters', (input: string[]) => [input[0]!.replace('"filters":{}', '"filters":{"actor":"agent"}'), ...input.slice(1)], 1, 'line 1: the header claims a complete export but names filters', undefined],
    ['an empty file', () => [], 1, 'the file is empty: no export header', undefined],
  ])('fails %s, naming the line', async (_name, change, line, reason, sequence) => {
    const verdict = await verify(change(lines));
    expect(verdict).toMatchObject({ valid: false, line, reason });
    expect(verdict.firstBadSequence).toBe(sequence);
  });

  it('fails a line with a duplicated key: a reader would see another value than the one verified', async () => {
    const index = recordIndex(lines, 3);
    const duplicated = [...lines];
    duplicated[index] = lines[index]!.replace('"actorUsername":"agent"', '"actorUsername":"someone-else","actorUsername":"agent"');
    expect(await verify(duplicated)).toMatchObject({ valid: false, firstBadSequence: '3', line: 4, reason: expect.stringContaining('not exactly as exported (a duplicated key, or re-formatted)') });
  });

  it('fails a re-formatted line', async () => {
    const index = recordIndex(lines, 3);
    const pretty = [...lines];
    pretty[index] = JSON.stringify(JSON.parse(lines[index]!), null, 1).replace(/\n/g, ' ');
    expect(await verify(pretty)).toMatchObject({ valid: false, line: 4, reason: expect.stringContaining('not exactly as exported') });
  });

  it('names the other export formats when given one', async () => {
    const csv = await exportedLines('csv', header, records, checkpoints);
    expect(await verify(csv)).toMatchObject({ valid: false, line: 1, reason: 'line 1 is the header row of a CSV export: only the JSON lines export (format jsonl) can be verified' });
    const cef = await exportedLines('cef', header, records, checkpoints);
    expect(await verify(cef)).toMatchObject({ valid: false, line: 1, reason: 'line 1 is a CEF event: only the JSON lines export (format jsonl) can be verified' });
    const syslog = await exportedLines('syslog-cef', header, records, checkpoints);
    expect(await verify(syslog)).toMatchObject({ valid: false, line: 1, reason: 'line 1 is a syslog message: only the JSON lines export (format jsonl) can be verified' });
    expect(await verify(['hello'])).toMatchObject({ valid: false, line: 1, reason: 'line 1 is not JSON: not a Tradewarden audit export in JSON lines' });
  });

  it('skips blank lines but counts them in line numbers', async () => {
    const spaced = [lines[0]!, '', ...lines.slice(1)];
    expect(await verify(spaced)).toMatchObject({ valid: true });
    const edited = editRecord(spaced, 1, (record) => (record['eventType'] = 'Edited'));
    expect(await verify(edited)).toMatchObject({ valid: false, firstBadSequence: '1', line: 3 });
  });
});

describe('the export as verified', () => {
  it('carries the record exactly as hashed: occurredAt as the hashed ISO string, details as parsed JSON', () => {
    const record: auditV1.AuditRecord = records[0]!;
    const line = JSON.parse(lines[1]!) as Json;
    expect(line['occurredAt']).toBe(contentOf(1).occurredAt);
    expect(line['details']).toEqual(JSON.parse(record.detailsJson));
    expect(line['accounts']).toEqual(['500001']);
  });
});
