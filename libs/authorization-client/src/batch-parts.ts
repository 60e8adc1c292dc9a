import { DecimalAmount } from '@tradewarden/money';

export interface Money {
  amount: string;
  currency: string;
}

export interface BatchItem {
  serverId: string;
  group?: string;
  amount?: Money;
}

// gRPC refuses messages over 4 MB by default on both sides; a part of about 1 MB leaves room for the envelope and for
// estimates that are a little short (UTF-8 beyond ASCII).
export const PART_BYTES = 1024 * 1024;
export const PART_ITEMS = 100_000;
// Tags, lengths and the Money message around the strings of one item.
const ITEM_OVERHEAD_BYTES = 16;

function estimatedBytes(item: BatchItem): number {
  return ITEM_OVERHEAD_BYTES + item.serverId.length + (item.group?.length ?? 0) + (item.amount ? item.amount.amount.length + item.amount.currency.length : 0);
}

/** The items in order, in parts under PART_BYTES and PART_ITEMS; always at least one part (maybe empty). */
export function splitBatch<T extends BatchItem>(items: readonly T[], partBytes = PART_BYTES, partItems = PART_ITEMS): T[][] {
  const parts: T[][] = [[]];
  let bytes = 0;
  for (const item of items) {
    const size = estimatedBytes(item);
    let part = parts[parts.length - 1]!;
    if (part.length > 0 && (bytes + size > partBytes || part.length >= partItems)) {
      part = [];
      parts.push(part);
      bytes = 0;
    }
    part.push(item);
    bytes += size;
  }
  return parts;
}

/** What the items move per currency, exactly (the operation total when the items are the whole operation). */
export function sumByCurrency(items: readonly BatchItem[]): Money[] {
  const totals = new Map<string, DecimalAmount>();
  for (const item of items) {
    if (!item.amount) continue;
    // Identity refuses malformed amounts with the item's index; the total only needs the well-formed ones.
    let amount: DecimalAmount;
    try {
      const text = item.amount.amount.replace(/^-/, '');
      amount = DecimalAmount.parse(text, (text.split('.')[1] ?? '').length);
    } catch {
      continue;
    }
    const previous = totals.get(item.amount.currency);
    totals.set(item.amount.currency, previous ? previous.plus(amount) : amount);
  }
  return [...totals.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => ({ currency, amount: amount.toString() }));
}
