import { DecimalAmount } from '@tradewarden/money';
import type { commonV1, operationV1 } from '@tradewarden/proto';
import type { LiveStateClient } from '../submission/live-state.client';
import type { PlatformStateClient } from '../submission/platform-state.client';
import { CATALOGUE, paramsCaseOf } from './catalogue';
import { CURRENCY_DIGITS } from './field-rules';
import { readLiveView } from './live-reads';
import { paramsFieldOf, type CatalogueSettings, type Issue, type LiveTarget, type LiveView, type MoneyMoved, type OperationType, type PlannedItem } from './operation-type';

/** SubmitOperation and ValidateOperation take at most this many items (SubmitBatch streams more). */
export const MAX_ITEMS_PER_REQUEST = 1000;

const SERVER_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export interface OperationRequest {
  operationType: string;
  items: readonly operationV1.OperationItemSpec[];
}

export interface ItemOutcome {
  rowNumber: number;
  spec: operationV1.OperationItemSpec;
  errors: Issue[];
  warnings: Issue[];
  /** Present when the item has no error. */
  planned?: PlannedItem;
  moneyMoved?: MoneyMoved;
  /** The MT group of the account the item acts on, when it names one (what group-scoped permissions look at). */
  accountGroup?: string;
}

export interface OperationTotals {
  items: number;
  validItems: number;
  accounts: number;
  servers: number;
  moneyIn: commonV1.Money[];
  moneyOut: commonV1.Money[];
}

export interface PlannedOperation {
  requestErrors: Issue[];
  items: ItemOutcome[];
  totals: OperationTotals;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the catalogue holds types of every params message
type AnyOperationType = OperationType<any>;

/**
 * Turns a request into a plan with the catalogue: static checks of every item, then the live state each server's items
 * need (read once per server), then each type's plan. Collects every problem of every item instead of stopping at the
 * first, so a caller sees them all at once.
 */
export class OperationPlanner {
  constructor(
    private readonly liveState: LiveStateClient,
    private readonly settings: CatalogueSettings,
    private readonly platformState?: PlatformStateClient,
  ) {}

  /** The catalogue entry of a type, or the error naming the known ones. */
  typeOf(operationType: string): { type: AnyOperationType } | { error: Issue } {
    const type = CATALOGUE.get(operationType);
    if (type) return { type };
    return { error: { field: 'operation_type', code: 'UNSUPPORTED', message: `"${operationType}" is not an operation type (known: ${[...CATALOGUE.keys()].join(', ')})` } };
  }

  /**
   * Problems found without any server: the request's and each item's. `firstRow` numbers the items (a batch's chunks
   * start further down), `maxItems` is the request's limit.
   */
  staticIssues(request: OperationRequest, firstRow = 1, maxItems = MAX_ITEMS_PER_REQUEST): { requestErrors: Issue[]; itemErrors: Issue[][]; type: AnyOperationType | undefined } {
    const requestErrors: Issue[] = [];
    const found = this.typeOf(request.operationType);
    const type = 'type' in found ? found.type : undefined;
    if ('error' in found) requestErrors.push(found.error);
    if (request.items.length === 0) requestErrors.push({ field: 'items', code: 'REQUIRED', message: 'at least one item is required' });
    if (request.items.length > maxItems) {
      requestErrors.push({ field: 'items', code: 'TOO_MANY', message: `at most ${maxItems} items per request (SubmitBatch takes up to 100,000)` });
    }
    const itemErrors = request.items.map((spec, index) => (type ? this.itemStaticIssues(type, spec, `items[${firstRow - 1 + index}]`) : []));
    return { requestErrors, itemErrors, type };
  }

  async plan(request: OperationRequest, firstRow = 1, maxItems = MAX_ITEMS_PER_REQUEST): Promise<PlannedOperation> {
    const { requestErrors, itemErrors, type } = this.staticIssues(request, firstRow, maxItems);
    const items: ItemOutcome[] = request.items.map((spec, index) => ({ rowNumber: firstRow + index, spec, errors: [...itemErrors[index]!], warnings: [] }));
    if (!type || requestErrors.length > 0) return { requestErrors, items, totals: totalsOf(items) };

    // Changes of Tradewarden's own configuration name the service that applies them instead of an MT server.
    const servers = type.platformTarget ? new Map([[type.platformTarget, { enabled: true, platform: 'mt5' as const }]]) : await this.liveState.servers();
    const byServer = new Map<string, ItemOutcome[]>();
    for (const item of items) {
      if (item.errors.length > 0) continue;
      const at = `items[${item.rowNumber - 1}]`;
      const server = servers.get(item.spec.serverId);
      if (type.platformTarget && !server) {
        item.errors.push({ field: `${at}.server_id`, code: 'WRONG_TARGET', message: `${type.name} items are applied by "${type.platformTarget}"; give that as server_id` });
      } else if (!server) item.errors.push({ field: `${at}.server_id`, code: 'UNKNOWN_SERVER', message: `no MT server "${item.spec.serverId}" is registered` });
      else if (!server.enabled) item.errors.push({ field: `${at}.server_id`, code: 'SERVER_DISABLED', message: `MT server "${item.spec.serverId}" is out of service` });
      else byServer.set(item.spec.serverId, [...(byServer.get(item.spec.serverId) ?? []), item]);
    }
    for (const [serverId, serverItems] of byServer) {
      const params = serverItems.map((item) => type.params(item.spec) as unknown);
      const targets: LiveTarget[] = params.flatMap((itemParams) => type.targets(itemParams));
      const live = await readLiveView(this.liveState, serverId, servers.get(serverId)!.platform, targets, this.platformState);
      serverItems.forEach((item, position) => {
        const at = `items[${item.rowNumber - 1}].${paramsFieldOf(type.name)}`;
        const outcome = type.plan(params[position], live, at, this.settings);
        if ('errors' in outcome) item.errors.push(...outcome.errors);
        else {
          item.planned = outcome.planned;
          item.warnings.push(...outcome.planned.warnings);
          item.moneyMoved = type.moneyMoved?.(params[position]);
          const accountGroup = accountGroupOf(type.targets(params[position]), live);
          if (accountGroup) item.accountGroup = accountGroup;
        }
      });
    }
    return { requestErrors, items, totals: totalsOf(items) };
  }

  private itemStaticIssues(type: AnyOperationType, spec: operationV1.OperationItemSpec, at: string): Issue[] {
    const issues: Issue[] = [];
    if (!SERVER_ID.test(spec.serverId)) issues.push({ field: `${at}.server_id`, code: 'FORMAT', message: 'must be a server registry id (lower-case letters, digits, dashes)' });
    const expected = paramsFieldOf(type.name);
    const given = paramsCaseOf(spec);
    const params: unknown = type.params(spec);
    if (given !== expected || params === undefined) {
      issues.push({ field: `${at}.${expected}`, code: 'REQUIRED', message: `${type.name} items carry ${expected} params${given ? `, not ${given}` : ''}` });
      return issues;
    }
    return [...issues, ...type.validate(params, `${at}.${expected}`)];
  }
}

/** The MT group of the account an item's targets name, for permissions scoped to groups (positions, orders). */
function accountGroupOf(targets: readonly LiveTarget[], live: LiveView): string | undefined {
  for (const target of targets) {
    if (target.kind === 'account' || target.kind === 'account-with-margin' || target.kind === 'positions' || target.kind === 'orders') {
      const group = live.account(target.login)?.group;
      if (group) return group;
    }
  }
  return undefined;
}

function totalsOf(items: readonly ItemOutcome[]): OperationTotals {
  const valid = items.filter((item) => item.errors.length === 0 && item.planned);
  const accounts = new Set<string>();
  for (const item of valid) {
    const login = item.planned!.before['login'] || item.planned!.after['login'];
    if (login) accounts.add(`${item.spec.serverId}/${login}`);
  }
  const sums = (direction: MoneyMoved['direction']): commonV1.Money[] => {
    const byCurrency = new Map<string, DecimalAmount>();
    for (const item of valid) {
      const moved = item.moneyMoved;
      if (moved?.direction !== direction) continue;
      const digits = CURRENCY_DIGITS[moved.money.currency] ?? 2;
      const amount = DecimalAmount.parse(moved.money.amount, digits);
      byCurrency.set(moved.money.currency, (byCurrency.get(moved.money.currency) ?? DecimalAmount.parse('0', 0)).plus(amount));
    }
    return [...byCurrency.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, amount]) => ({ currency, amount: amount.format(CURRENCY_DIGITS[currency] ?? 2) }));
  };
  return {
    items: items.length,
    validItems: valid.length,
    accounts: accounts.size,
    servers: new Set(valid.map((item) => item.spec.serverId)).size,
    moneyIn: sums('in'),
    moneyOut: sums('out'),
  };
}
