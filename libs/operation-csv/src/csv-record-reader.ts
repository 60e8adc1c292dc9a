/**
 * RFC 4180 records from a byte stream, one at a time, in bounded memory. It works on bytes, not text: the structural
 * characters (comma, quote, CR, LF) are ASCII, and UTF-8 never uses ASCII bytes inside a multi-byte sequence, so a split
 * at those bytes is always a split between characters. Each cell is then decoded strictly on its own, which lets an
 * invalid byte sequence be reported with its row and column instead of turning into U+FFFD somewhere in the file.
 */

export interface CsvRecordIssue {
  /** Index of the cell the problem is in; undefined when it concerns the whole record. */
  cell?: number;
  code: CsvRecordIssueCode;
  message: string;
}

export type CsvRecordIssueCode = 'INVALID_UTF8' | 'ROW_TOO_LONG' | 'UNTERMINATED_QUOTE' | 'INVALID_QUOTE' | 'FILE_TOO_LARGE';

export interface CsvRecord {
  /** Physical line (1-based) the record starts on; a quoted newline makes a record span several lines. */
  line: number;
  /** Decoded cells; empty when the record could not be kept (too long) or decoded. */
  cells: string[];
  issues: CsvRecordIssue[];
  /** Set on the last record when reading stopped early (file over the limit): nothing follows. */
  final?: boolean;
}

export interface CsvReadLimits {
  /** A record longer than this (bytes, quotes included) is refused as a whole. */
  maxRecordBytes: number;
  /** Reading stops with an error once the input exceeds this many bytes. */
  maxInputBytes: number;
}

export type CsvByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

const COMMA = 0x2c;
const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];

type State = 'field-start' | 'unquoted' | 'quoted' | 'quote-in-quoted';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Yields every record of the input, empty lines left out. A malformed record comes with issues and the reader carries
 * on at the next one, so that every bad row of a file is reported in one pass.
 */
export async function* readCsvRecords(source: CsvByteSource, limits: CsvReadLimits): AsyncGenerator<CsvRecord> {
  // The current record's cell bytes (unescaped), reused from record to record: memory stays at one record.
  const recordBytes = Buffer.allocUnsafe(limits.maxRecordBytes);
  let recordLength = 0;
  /** Offset in recordBytes where each finished cell ends. */
  let cellEnds: number[] = [];
  let rawLength = 0;
  let tooLong = false;
  let issues: CsvRecordIssue[] = [];
  let state: State = 'field-start';
  let line = 1;
  let recordLine = 1;
  let afterCarriageReturn = false;
  let inputBytes = 0;
  let bomBytesSeen = 0;
  let bomDecided = false;

  const startRecord = () => {
    recordLength = 0;
    cellEnds = [];
    rawLength = 0;
    tooLong = false;
    issues = [];
    state = 'field-start';
    recordLine = line;
  };
  const appendByte = (byte: number) => {
    if (tooLong) return;
    recordBytes[recordLength++] = byte;
  };
  const finishRecord = (): CsvRecord | undefined => {
    if (state === 'field-start' && cellEnds.length === 0 && rawLength === 0) return undefined;
    cellEnds.push(recordLength);
    if (tooLong) {
      return { line: recordLine, cells: [], issues: [{ code: 'ROW_TOO_LONG', message: `longer than ${limits.maxRecordBytes} bytes` }, ...issues] };
    }
    const cells: string[] = [];
    let start = 0;
    cellEnds.forEach((end, index) => {
      try {
        cells.push(strictUtf8.decode(recordBytes.subarray(start, end)));
      } catch {
        cells.push('');
        issues.push({ cell: index, code: 'INVALID_UTF8', message: 'not valid UTF-8 (save the file as UTF-8)' });
      }
      start = end;
    });
    return { line: recordLine, cells, issues };
  };

  startRecord();
  for await (const chunk of source) {
    let bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    inputBytes += bytes.length;
    if (inputBytes > limits.maxInputBytes) {
      yield { line: recordLine, cells: [], issues: [{ code: 'FILE_TOO_LARGE', message: `the file is larger than ${limits.maxInputBytes} bytes; split it` }], final: true };
      return;
    }
    if (!bomDecided) {
      // The BOM may arrive split over chunks; only a complete one at the very start is skipped.
      let skip = 0;
      while (skip < bytes.length && bomBytesSeen < BOM.length && bytes[skip] === BOM[bomBytesSeen]) {
        skip++;
        bomBytesSeen++;
      }
      if (bomBytesSeen === BOM.length) {
        bomDecided = true;
        bytes = bytes.subarray(skip);
      } else if (skip < bytes.length) {
        // Not a BOM after all: the bytes taken for one are data.
        bomDecided = true;
        bytes = Buffer.concat([Buffer.from(BOM.slice(0, bomBytesSeen)), bytes.subarray(skip)]);
      } else continue;
    }
    for (let index = 0; index < bytes.length; index++) {
      const byte = bytes[index]!;
      if (afterCarriageReturn) {
        afterCarriageReturn = false;
        // CRLF: the CR already ended the record.
        if (byte === LF) continue;
      }
      if (state !== 'quoted') {
        if (byte === CR || byte === LF) {
          if (state === 'quote-in-quoted') state = 'unquoted';
          const record = finishRecord();
          line++;
          afterCarriageReturn = byte === CR;
          if (record) yield record;
          startRecord();
          continue;
        }
      }
      rawLength++;
      if (rawLength > limits.maxRecordBytes) tooLong = true;
      switch (state) {
        case 'field-start':
          if (byte === QUOTE) state = 'quoted';
          else if (byte === COMMA) cellEnds.push(recordLength);
          else {
            appendByte(byte);
            state = 'unquoted';
          }
          break;
        case 'unquoted':
          if (byte === COMMA) {
            cellEnds.push(recordLength);
            state = 'field-start';
          } else {
            if (byte === QUOTE) noteOnce(issues, { cell: cellEnds.length, code: 'INVALID_QUOTE', message: 'a quote inside an unquoted cell (quote the whole cell and double the quote: "a""b")' });
            appendByte(byte);
          }
          break;
        case 'quoted':
          if (byte === QUOTE) state = 'quote-in-quoted';
          else {
            if (byte === LF || (byte === CR && bytes[index + 1] !== LF)) line++;
            appendByte(byte);
          }
          break;
        case 'quote-in-quoted':
          if (byte === QUOTE) {
            appendByte(QUOTE);
            state = 'quoted';
          } else if (byte === COMMA) {
            cellEnds.push(recordLength);
            state = 'field-start';
          } else {
            noteOnce(issues, { cell: cellEnds.length, code: 'INVALID_QUOTE', message: 'text after the closing quote of a cell' });
            appendByte(byte);
            state = 'unquoted';
          }
          break;
        default: {
          const unreachable: never = state;
          throw new Error(`unknown CSV state ${String(unreachable)}`);
        }
      }
    }
  }
  if (!bomDecided && bomBytesSeen > 0) {
    // A file of one or two bytes that began like a BOM: they are its content.
    for (const byte of BOM.slice(0, bomBytesSeen)) {
      rawLength++;
      appendByte(byte);
    }
    state = 'unquoted';
  }
  if (state === 'quoted') issues.push({ cell: cellEnds.length, code: 'UNTERMINATED_QUOTE', message: 'a quoted cell is not closed before the end of the file' });
  const last = finishRecord();
  if (last) yield last;
}

function noteOnce(issues: CsvRecordIssue[], issue: CsvRecordIssue): void {
  if (!issues.some((known) => known.code === issue.code && known.cell === issue.cell)) issues.push(issue);
}
