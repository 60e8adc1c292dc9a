import type { auditV1 } from '@tradewarden/proto';
import { cefCheckpointEvent, cefRecordEvent, syslogCheckpointEvent, syslogRecordEvent } from './cef';
import { csvHeaderRow, csvRow } from './csv';
import { lineEnd, type AuditExportFormat, type ExportHeader, type LineOptions } from './export-format';
import { checkpointLineOf, headerLineOf, recordLineOf, renderJsonLine } from './json-lines';
import { recordFieldsOf } from './record-fields';

/** The lines before the first record: JSON lines the export header, CSV the column names, CEF and syslog none. */
export function exportPreamble(format: AuditExportFormat, header: ExportHeader): string[] {
  switch (format) {
    case 'jsonl':
      return [renderJsonLine(headerLineOf(header))];
    case 'csv':
      return [csvHeaderRow()];
    case 'cef':
    case 'syslog-cef':
      return [];
  }
}

/** One record as one line of the format, without the line terminator (lineEnd). A CSV row may hold quoted line breaks. */
export function recordLine(format: AuditExportFormat, record: auditV1.AuditRecord, options: LineOptions = {}): string {
  const fields = recordFieldsOf(record);
  switch (format) {
    case 'jsonl':
      return renderJsonLine(recordLineOf(fields));
    case 'csv':
      return csvRow(fields);
    case 'cef':
      return cefRecordEvent(fields);
    case 'syslog-cef':
      return syslogRecordEvent(fields, options);
  }
}

/**
 * A checkpoint as a line: JSON lines a checkpoint line (it goes right after the record with its sequence), CEF and
 * syslog an event a SIEM can keep; CSV has no place for it (undefined).
 */
export function checkpointLine(format: AuditExportFormat, checkpoint: auditV1.AuditCheckpoint, options: LineOptions = {}): string | undefined {
  switch (format) {
    case 'jsonl':
      return renderJsonLine(checkpointLineOf(checkpoint));
    case 'csv':
      return undefined;
    case 'cef':
      return cefCheckpointEvent(checkpoint);
    case 'syslog-cef':
      return syslogCheckpointEvent(checkpoint, options);
  }
}

/** The lines after the last record: JSON lines the end line with the counts (a file without it was cut short), others none. */
export function exportEpilogue(format: AuditExportFormat, written: { records: number; checkpoints: number }): string[] {
  switch (format) {
    case 'jsonl':
      return [renderJsonLine({ kind: 'end', records: written.records, checkpoints: written.checkpoints })];
    case 'csv':
    case 'cef':
    case 'syslog-cef':
      return [];
  }
}

/** A piece of the export: whole lines, each with its terminator, and how many records they hold (ExportRecordsResponse). */
export interface ExportChunk {
  text: string;
  records: number;
}

export interface ExportSource {
  header: ExportHeader;
  /** The records to export, in increasing sequence order, all within the header's range. */
  records: AsyncIterable<auditV1.AuditRecord> | Iterable<auditV1.AuditRecord>;
  /** Checkpoints in increasing sequence order; those outside the header's range are skipped. */
  checkpoints: AsyncIterable<auditV1.AuditCheckpoint> | Iterable<auditV1.AuditCheckpoint>;
}

export interface ChunkOptions extends LineOptions {
  /** A chunk is yielded once it holds at least this many characters (a longer line goes alone). Default 64 KiB. */
  chunkChars?: number;
}

async function* asAsync<T>(items: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  for await (const item of items) yield item;
}

/**
 * The whole export as chunks of whole lines: the preamble, each record followed by the checkpoints of its sequence
 * (a checkpoint whose record the filters left out goes where its record would be), and the epilogue. What
 * `verifyExport` expects of a JSON lines file; the audit service can send each chunk as one ExportRecordsResponse.
 * Throws when records or checkpoints come out of order or records fall outside the header's range (a query bug);
 * it does not check hashes: an export shows the trail as it is, and verification finds what is wrong with it.
 */
export async function* exportChunks(format: AuditExportFormat, source: ExportSource, options: ChunkOptions = {}): AsyncGenerator<ExportChunk> {
  const chunkChars = options.chunkChars ?? 64 * 1024;
  const end = lineEnd(format);
  const from = BigInt(source.header.fromSequence);
  const to = BigInt(source.header.toSequence);
  let text = '';
  let records = 0;
  const written = { records: 0, checkpoints: 0 };
  const add = (line: string, isRecord: boolean): ExportChunk | undefined => {
    text += line + end;
    if (isRecord) records += 1;
    if (text.length < chunkChars) return undefined;
    const chunk = { text, records };
    text = '';
    records = 0;
    return chunk;
  };

  for (const line of exportPreamble(format, source.header)) {
    const chunk = add(line, false);
    if (chunk) yield chunk;
  }

  const checkpoints = asAsync(source.checkpoints);
  let pending = await checkpoints.next();
  let lastCheckpoint: bigint | undefined;
  /** Writes the checkpoints below `limit` (all remaining within the range when undefined). */
  async function* checkpointsBelow(limit: bigint | undefined): AsyncGenerator<ExportChunk> {
    while (!pending.done) {
      const checkpoint = pending.value;
      const sequence = BigInt(checkpoint.sequence);
      if ((limit !== undefined && sequence >= limit) || sequence > to) return;
      if (lastCheckpoint !== undefined && sequence <= lastCheckpoint) throw new Error(`audit export: checkpoint ${sequence} after checkpoint ${lastCheckpoint} (checkpoints must come in increasing sequence order)`);
      lastCheckpoint = sequence;
      if (sequence >= from) {
        const line = checkpointLine(format, checkpoint, options);
        if (line !== undefined) {
          written.checkpoints += 1;
          const chunk = add(line, false);
          if (chunk) yield chunk;
        }
      }
      pending = await checkpoints.next();
    }
  }

  try {
    let lastRecord: bigint | undefined;
    for await (const record of source.records) {
      const sequence = BigInt(record.sequence);
      if (lastRecord !== undefined && sequence <= lastRecord) throw new Error(`audit export: record ${sequence} after record ${lastRecord} (records must come in increasing sequence order)`);
      if (sequence < from || sequence > to) throw new Error(`audit export: record ${sequence} is outside the export's range ${from}-${to}`);
      lastRecord = sequence;
      yield* checkpointsBelow(sequence);
      written.records += 1;
      const chunk = add(recordLine(format, record, options), true);
      if (chunk) yield chunk;
    }
    yield* checkpointsBelow(undefined);
  } finally {
    // Closes the checkpoint source also when the caller stops early (a cancelled call).
    await checkpoints.return(undefined);
  }

  for (const line of exportEpilogue(format, written)) {
    const chunk = add(line, false);
    if (chunk) yield chunk;
  }
  if (text) yield { text, records };
}
