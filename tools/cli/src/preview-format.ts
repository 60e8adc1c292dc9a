import type { intakeV1 } from '@tradewarden/proto';
import { formatChanges } from './operation-format';

/** "mt5-demo-1  login 500001": where an item acts, from its spec and the live state read for it. */
export function describeTarget(preview: Pick<intakeV1.ItemPreview, 'spec' | 'before'>): string {
  const before = preview.before;
  const target = before['login'] ? `login ${before['login']}` : before['group'] ? `group ${before['group']}` : before['symbol'] ? `symbol ${before['symbol']}` : '';
  return [preview.spec?.serverId ?? '', target].filter(Boolean).join('  ');
}

export function formatItemPreview(preview: intakeV1.ItemPreview): string {
  const lines = [`row ${preview.rowNumber}  ${describeTarget(preview)}${preview.errors.length > 0 ? '  REFUSED' : ''}`];
  for (const change of formatChanges(preview.before, preview.after)) lines.push(`    ${change}`);
  for (const error of preview.errors) lines.push(`    error ${error.code} ${error.field}: ${error.message}`);
  for (const warning of preview.warnings) lines.push(`    warning ${warning.code} ${warning.field}: ${warning.message}`);
  return lines.join('\n');
}

export function formatTotals(totals: intakeV1.OperationTotals | undefined): string {
  if (!totals) return 'totals: -';
  const money = (list: readonly { amount: string; currency: string }[]) => (list.length === 0 ? '-' : list.map((entry) => `${entry.amount} ${entry.currency}`).join(', '));
  return [
    `totals: ${totals.items} item${totals.items === 1 ? '' : 's'}, ${totals.validItems} valid; ${totals.accounts} account${totals.accounts === 1 ? '' : 's'}/groups/symbols on ${totals.servers} server${totals.servers === 1 ? '' : 's'}`,
    `        money in ${money(totals.moneyIn)}; money out ${money(totals.moneyOut)}`,
  ].join('\n');
}

/** The whole dry run for people: each item's before -> after, its errors and warnings, then totals and the verdict. */
export function formatValidation(response: intakeV1.ValidateOperationResponse, omittedValidItems = 0): string {
  const lines = response.items.map(formatItemPreview);
  if (omittedValidItems > 0) lines.push(`... ${omittedValidItems} more valid items not shown (--json shows every item)`);
  for (const error of response.errors) lines.push(`error ${error.code} ${error.field}: ${error.message}`);
  lines.push(formatTotals(response.totals));
  const refused = response.items.filter((item) => item.errors.length > 0).length;
  lines.push(response.valid ? 'valid: nothing was stored or sent (dry run)' : `refused: ${refused} item${refused === 1 ? '' : 's'} with errors${response.errors.length > 0 ? ', and problems of the request' : ''}`);
  return lines.join('\n');
}
