export { AUDIT_EXPORT_FORMATS, auditExportFormatOf, exportFormatValue, lineEnd, parseAuditExportFormat } from './export-format';
export type { AuditExportFormat, ExportHeader, LineOptions } from './export-format';
export { checkpointLine, exportChunks, exportEpilogue, exportPreamble, recordLine } from './export-lines';
export type { ChunkOptions, ExportChunk, ExportSource } from './export-lines';
export { verifyExport } from './verify-export';
export type { ExportVerdict, VerifyExportOptions } from './verify-export';
export { CSV_COLUMNS, CSV_LIST_SEPARATOR, unguardCsvValue } from './csv';
export { DEFAULT_SYSLOG_FACILITY, SYSLOG_APP_NAME } from './cef';
export { EXPORT_FORMAT_ID, EXPORT_FORMAT_VERSION } from './json-lines';
