import { symbolSnapshot } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { intInRange, symbolName } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { notFound, recordUpdatePlan, symbolUpdate, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.SymbolExecutionParams;

export const symbolSetExecution: OperationType<Params> = {
  name: 'symbol.set_execution',
  family: 'symbols',
  description: "change a symbol's execution mode and trade mode",
  params: (spec) => spec.symbolSetExecution,
  validate: (params, at) => {
    const issues = [
      symbolName(params.symbol, `${at}.symbol`),
      params.execMode === undefined ? undefined : intInRange(params.execMode, `${at}.exec_mode`, 0, 3, '0 request, 1 instant, 2 market, 3 exchange'),
      params.tradeMode === undefined ? undefined : intInRange(params.tradeMode, `${at}.trade_mode`, 0, 4, '0 disabled, 1 long only, 2 short only, 3 close only, 4 full'),
    ].filter((issue): issue is Issue => issue !== undefined);
    if (params.execMode === undefined && params.tradeMode === undefined) issues.push({ field: at, code: 'REQUIRED', message: 'name exec_mode, trade_mode or both' });
    return issues;
  },
  targets: (params) => [{ kind: 'symbol', symbol: params.symbol }],
  plan: (params, live, at) => {
    const symbol = live.symbol(params.symbol);
    if (!symbol) return notFound(`${at}.symbol`, `symbol ${params.symbol}`, live.serverId);
    if (live.platform === 'mt4') {
      if (params.execMode === 3) return { errors: [{ field: `${at}.exec_mode`, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 has no exchange execution' }] };
      if (params.tradeMode === 1 || params.tradeMode === 2) {
        return { errors: [{ field: `${at}.trade_mode`, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 has no long-only or short-only trade mode' }] };
      }
    }
    const set: Record<string, string> = {};
    if (params.execMode !== undefined) set['exec_mode'] = String(params.execMode);
    if (params.tradeMode !== undefined) set['trade_mode'] = String(params.tradeMode);
    const planned = recordUpdatePlan('symbol', symbolSnapshot(symbol), set, symbolUpdate(params.symbol));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
