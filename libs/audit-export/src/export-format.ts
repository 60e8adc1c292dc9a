import { auditV1 } from '@tradewarden/proto';

/** The text formats of an audit export. Only `jsonl` can be verified offline (verifyExport). */
export type AuditExportFormat = 'jsonl' | 'csv' | 'cef' | 'syslog-cef';

export const AUDIT_EXPORT_FORMATS: readonly AuditExportFormat[] = ['jsonl', 'csv', 'cef', 'syslog-cef'];

/** What the export's first line states (JSON lines). None of it is signed: verifyExport checks it against the records. */
export interface ExportHeader {
  exportedAt: Date;
  /** An unfiltered, contiguous range: every record from fromSequence to toSequence is in the export. */
  complete: boolean;
  /** First sequence of the range asked for (1 when none was). */
  fromSequence: string;
  /** Last sequence of the range: the chain head at the start of the export unless a lower one was asked for. */
  toSequence: string;
  /** The filters by their API names (operation_id, actor, ...); empty when `complete`. */
  filters: Record<string, string>;
  /** Key id of the checkpoint signing key (first 16 hex digits of the SHA-256 of its DER SPKI). */
  keyId: string;
}

/** Options of the CEF and syslog lines; the other formats ignore them. */
export interface LineOptions {
  /** RFC 5424 HOSTNAME of syslog-cef lines: printable US-ASCII, 1-255 characters. Default: os.hostname(). */
  hostname?: string;
  /** Syslog facility 0-23 of syslog-cef lines. Default: 10 (authpriv), see cef.ts. */
  facility?: number;
}

/** The line terminator of a format: CRLF for CSV as RFC 4180 writes it, LF for the others. */
export function lineEnd(format: AuditExportFormat): string {
  return format === 'csv' ? '\r\n' : '\n';
}

/** The format asked for over gRPC; undefined for UNSPECIFIED and values this code does not know. */
export function auditExportFormatOf(format: auditV1.ExportFormat): AuditExportFormat | undefined {
  switch (format) {
    case auditV1.ExportFormat.EXPORT_FORMAT_JSON_LINES:
      return 'jsonl';
    case auditV1.ExportFormat.EXPORT_FORMAT_CSV:
      return 'csv';
    case auditV1.ExportFormat.EXPORT_FORMAT_CEF:
      return 'cef';
    case auditV1.ExportFormat.EXPORT_FORMAT_SYSLOG_CEF:
      return 'syslog-cef';
    case auditV1.ExportFormat.EXPORT_FORMAT_UNSPECIFIED:
    case auditV1.ExportFormat.UNRECOGNIZED:
      return undefined;
  }
}

/** The gRPC value of a format (for the CLI's request). */
export function exportFormatValue(format: AuditExportFormat): auditV1.ExportFormat {
  switch (format) {
    case 'jsonl':
      return auditV1.ExportFormat.EXPORT_FORMAT_JSON_LINES;
    case 'csv':
      return auditV1.ExportFormat.EXPORT_FORMAT_CSV;
    case 'cef':
      return auditV1.ExportFormat.EXPORT_FORMAT_CEF;
    case 'syslog-cef':
      return auditV1.ExportFormat.EXPORT_FORMAT_SYSLOG_CEF;
  }
}

/** A format named on a command line (`--format jsonl`), or undefined when the name is not one. */
export function parseAuditExportFormat(name: string): AuditExportFormat | undefined {
  return AUDIT_EXPORT_FORMATS.find((format) => format === name);
}
