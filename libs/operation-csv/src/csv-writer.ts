/** Cells that need quotes under RFC 4180, plus a leading/trailing space that spreadsheet tools would trim. */
const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvCell(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV line, CRLF-terminated as RFC 4180 writes it. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
