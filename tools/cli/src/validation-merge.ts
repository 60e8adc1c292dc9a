import { DecimalAmount } from '@tradewarden/money';
import type { commonV1, intakeV1, operationV1 } from '@tradewarden/proto';

/** Fraction digits kept when summing money across batches: more than any currency has. */
const SUM_SCALE = 8;

/**
 * Merges the answers of ValidateOperation for the batches of one CSV into the answer for the whole file: row numbers and
 * `items[i]` paths are mapped back to the file's rows (a batch leaves out the rows refused locally), and totals are
 * added up. Distinct accounts and servers cannot be added across batches, so they are counted here from the items.
 */
export class ValidationMerger {
  private readonly items: intakeV1.ItemPreview[] = [];
  private readonly requestErrors: operationV1.ItemIssue[] = [];
  private readonly moneyIn = new Map<string, MoneySum>();
  private readonly moneyOut = new Map<string, MoneySum>();
  private readonly targets = new Set<string>();
  private readonly servers = new Set<string>();
  private itemCount = 0;
  private validItems = 0;
  private omittedValidItems = 0;
  private keptValidItems = 0;

  /** keepValidItems: how many previews without errors or warnings to keep (all items with problems are kept). */
  constructor(private readonly keepValidItems: number = Number.POSITIVE_INFINITY) {}

  /** rows: the file's row number of each item of the batch. */
  add(batch: readonly operationV1.OperationItemSpec[], rows: readonly number[], response: intakeV1.ValidateOperationResponse): void {
    for (const spec of batch) {
      this.servers.add(spec.serverId);
      this.targets.add(`${spec.serverId}\0${targetOf(spec)}`);
    }
    for (const preview of response.items) {
      const shifted: intakeV1.ItemPreview = {
        ...preview,
        rowNumber: rows[preview.rowNumber - 1] ?? preview.rowNumber,
        errors: preview.errors.map((issue) => toFileRow(issue, rows)),
        warnings: preview.warnings.map((issue) => toFileRow(issue, rows)),
      };
      const clean = shifted.errors.length === 0 && shifted.warnings.length === 0;
      if (clean && this.keptValidItems >= this.keepValidItems) {
        this.omittedValidItems++;
        continue;
      }
      if (clean) this.keptValidItems++;
      this.items.push(shifted);
    }
    this.requestErrors.push(...response.errors.map((issue) => toFileRow(issue, rows)));
    this.itemCount += response.totals?.items ?? batch.length;
    this.validItems += response.totals?.validItems ?? 0;
    for (const money of response.totals?.moneyIn ?? []) addMoney(this.moneyIn, money);
    for (const money of response.totals?.moneyOut ?? []) addMoney(this.moneyOut, money);
  }

  /** A row refused before it was sent (CSV format): it counts as an item with errors. */
  addRefused(row: number, serverId: string, errors: readonly operationV1.ItemIssue[]): void {
    // Row 0 is the header: a problem of the file, not an item.
    if (row > 0) this.itemCount++;
    this.items.push({ rowNumber: row, spec: serverId ? { serverId } : undefined, before: {}, after: {}, errors: [...errors], warnings: [] });
  }

  /** Previews left out to keep memory bounded (valid items past keepValidItems). */
  get omitted(): number {
    return this.omittedValidItems;
  }

  result(): intakeV1.ValidateOperationResponse {
    return {
      valid: this.requestErrors.length === 0 && this.items.every((item) => item.errors.length === 0) && this.validItems === this.itemCount,
      items: this.items,
      errors: this.requestErrors,
      totals: {
        items: this.itemCount,
        validItems: this.validItems,
        accounts: this.targets.size,
        servers: this.servers.size,
        moneyIn: moneyList(this.moneyIn),
        moneyOut: moneyList(this.moneyOut),
      },
    };
  }
}

/** The account, group or symbol an item touches. */
function targetOf(spec: operationV1.OperationItemSpec): string {
  for (const params of Object.values(spec)) {
    if (typeof params !== 'object' || params === null) continue;
    const fields = params as { login?: unknown; group?: unknown; symbol?: unknown };
    const target = fields.login || fields.group || fields.symbol;
    if (typeof target === 'string') return target;
  }
  return '';
}

/** "items[3].balance_deposit.login" of a batch whose fourth item is row 1004 -> "items[1003].balance_deposit.login". */
export function toFileRow(issue: operationV1.ItemIssue, rows: readonly number[]): operationV1.ItemIssue {
  return { ...issue, field: issue.field.replace(/^items\[(\d+)\]/, (match, index: string) => (rows[Number(index)] === undefined ? match : `items[${rows[Number(index)]! - 1}]`)) };
}

/** A running sum, and the most fraction digits its parts had: "100.50" + "1.25" shows as "101.75", not "101.75000000". */
interface MoneySum {
  amount: DecimalAmount;
  digits: number;
}

function addMoney(sums: Map<string, MoneySum>, money: commonV1.Money): void {
  const amount = DecimalAmount.parse(money.amount, SUM_SCALE);
  const digits = money.amount.includes('.') ? money.amount.length - money.amount.indexOf('.') - 1 : 0;
  const sum = sums.get(money.currency);
  sums.set(money.currency, sum ? { amount: sum.amount.plus(amount), digits: Math.max(sum.digits, digits) } : { amount, digits });
}

function moneyList(sums: Map<string, MoneySum>): commonV1.Money[] {
  return [...sums].map(([currency, sum]) => ({ currency, amount: sum.amount.format(sum.digits) }));
}
