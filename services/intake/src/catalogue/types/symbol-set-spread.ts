import { symbolSnapshot } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { intInRange, symbolName } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { notFound, recordUpdatePlan, symbolUpdate, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.SymbolSpreadParams;

export const symbolSetSpread: OperationType<Params> = {
  name: 'symbol.set_spread',
  family: 'symbols',
  description: "change a symbol's fixed spread in points (0 = floating)",
  params: (spec) => spec.symbolSetSpread,
  validate: (params, at) =>
    [symbolName(params.symbol, `${at}.symbol`), intInRange(params.spread, `${at}.spread`, 0, 1_000_000, 'points')].filter((issue): issue is Issue => issue !== undefined),
  targets: (params) => [{ kind: 'symbol', symbol: params.symbol }],
  plan: (params, live, at) => {
    const symbol = live.symbol(params.symbol);
    if (!symbol) return notFound(`${at}.symbol`, `symbol ${params.symbol}`, live.serverId);
    const planned = recordUpdatePlan('symbol', symbolSnapshot(symbol), { spread: String(params.spread) }, symbolUpdate(params.symbol));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
