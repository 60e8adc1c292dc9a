import type { PlatformTarget } from '@tradewarden/platform-change';
import type { catalogueV1, commonV1, gatewayV1, identityV1, operationV1 } from '@tradewarden/proto';

export type Family = 'balance' | 'accounts' | 'groups' | 'symbols' | 'trade-records' | 'platform';

/** A problem with one field of one item (ItemIssue); `field` is the path in the request. */
export interface Issue {
  field: string;
  code: string;
  message: string;
}

/** What an item needs read from its server before it can be planned. */
export type LiveTarget =
  | { kind: 'account'; login: string }
  /**
   * An account with its free margin. Only rules that use free margin ask for it: on MT5 it is a trade-state request per
   * account, the bulk of reading a large batch.
   */
  | { kind: 'account-with-margin'; login: string }
  | { kind: 'group'; group: string }
  | { kind: 'symbol'; symbol: string }
  /** Every symbol of the server (to check that symbol paths match something). */
  | { kind: 'all-symbols' }
  /** An account's open positions; the symbols they trade are read with them. */
  | { kind: 'positions'; login: string }
  /** An account's open orders; the symbols they trade are read with them. */
  | { kind: 'orders'; login: string }
  /** Tradewarden's grants (identity), for grant.* operations. */
  | { kind: 'grants' }
  /** Tradewarden's approval policies, for approval_policy.* operations. */
  | { kind: 'policies' };

/** The live state of one server, as read for the items of an operation. */
export interface LiveView {
  readonly serverId: string;
  readonly platform: 'mt5' | 'mt4';
  /** margin_free is set only for accounts read as 'account-with-margin' (and never on MT4). */
  account(login: string): gatewayV1.Account | undefined;
  group(group: string): gatewayV1.Group | undefined;
  symbol(symbol: string): gatewayV1.Symbol | undefined;
  allSymbols(): readonly gatewayV1.Symbol[];
  position(login: string, position: string): gatewayV1.Position | undefined;
  order(login: string, order: string): gatewayV1.Order | undefined;
  /** The grants in force (read for 'grants' targets; empty otherwise). */
  grants(): readonly identityV1.GrantRecord[];
  /** The approval policies in force (read for 'policies' targets; empty otherwise). */
  policies(): readonly catalogueV1.ApprovalPolicyParams[];
}

/** Limits the catalogue applies that a broker sets (INTAKE_* configuration). */
export interface CatalogueSettings {
  /** Highest leverage an account may get (1:n). */
  maxLeverage: number;
  /** A swap rate changing by more than this fraction of its value is flagged to the approver. */
  swapDeviationWarning: number;
}

export interface PlannedItem {
  before: Record<string, string>;
  after: Record<string, string>;
  change: operationV1.MtChange;
  revert: operationV1.MtChange | undefined;
  warnings: Issue[];
}

export type PlanOutcome = { planned: PlannedItem } | { errors: Issue[] };

/** Money an item moves, for batch totals and approval thresholds. */
export interface MoneyMoved {
  direction: 'in' | 'out';
  money: commonV1.Money;
}

/**
 * One operation type of the catalogue, declared once: its params (a message of catalogue.proto, the OperationItemSpec
 * field named like the type with "_" for "."), static validation, what it reads live, its plan (preview, the change the
 * gateway applies and the change that reverts it) and the money it moves.
 */
export interface OperationType<P> {
  /** e.g. "balance.deposit"; the params field is "balance_deposit". */
  readonly name: string;
  readonly family: Family;
  readonly description: string;
  params(spec: operationV1.OperationItemSpec): P | undefined;
  /** Checks that need no server. `at` is the params' path, e.g. "items[2].balance_deposit". */
  validate(params: P, at: string): Issue[];
  targets(params: P): LiveTarget[];
  plan(params: P, live: LiveView, at: string, settings: CatalogueSettings): PlanOutcome;
  moneyMoved?(params: P): MoneyMoved | undefined;
  /**
   * Set for changes of Tradewarden's own configuration: the service that applies them, which the items name as their
   * server_id (there is no MT server to read or write).
   */
  readonly platformTarget?: PlatformTarget;
}

/** The snake_case params field of a type ("account.set_leverage" -> "account_set_leverage"). */
export function paramsFieldOf(typeName: string): string {
  return typeName.replace('.', '_');
}
