import { canonicalDecimal, symbolSnapshot } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { intInRange, signedDecimal, symbolName } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { notFound, recordUpdatePlan, symbolUpdate, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.SymbolSwapsParams;

/** MT4's swap types have MT5 equivalents only for these modes (off, points, base currency, margin currency, interest). */
const MT4_SWAP_MODES = new Set([0, 1, 2, 3, 5]);

/** A rate moving by more than the configured fraction of its value (or away from zero) is shown to the approver. */
function deviation(field: string, from: string, to: string, threshold: number): Issue | undefined {
  const before = Number(from);
  const after = Number(to);
  if (before === after) return undefined;
  const beyond = before === 0 ? after !== 0 : Math.abs(after - before) / Math.abs(before) > threshold;
  return beyond ? { field, code: 'SWAP_DEVIATION', message: `${from} -> ${to} changes the rate by more than ${Math.round(threshold * 100)}%` } : undefined;
}

export const symbolSetSwaps: OperationType<Params> = {
  name: 'symbol.set_swaps',
  family: 'symbols',
  description: "change a symbol's swap rates, swap mode and triple-swap day (0 = Sunday)",
  params: (spec) => spec.symbolSetSwaps,
  validate: (params, at) => {
    const issues = [
      symbolName(params.symbol, `${at}.symbol`),
      params.swapLong === undefined ? undefined : signedDecimal(params.swapLong, `${at}.swap_long`),
      params.swapShort === undefined ? undefined : signedDecimal(params.swapShort, `${at}.swap_short`),
      params.swapMode === undefined ? undefined : intInRange(params.swapMode, `${at}.swap_mode`, 0, 9, 'MT5 swap modes'),
      params.tripleSwapDay === undefined ? undefined : intInRange(params.tripleSwapDay, `${at}.triple_swap_day`, 0, 6, '0 = Sunday'),
    ].filter((issue): issue is Issue => issue !== undefined);
    if ([params.swapLong, params.swapShort, params.swapMode, params.tripleSwapDay].every((value) => value === undefined)) {
      issues.push({ field: at, code: 'REQUIRED', message: 'name at least one of swap_long, swap_short, swap_mode, triple_swap_day' });
    }
    return issues;
  },
  targets: (params) => [{ kind: 'symbol', symbol: params.symbol }],
  plan: (params, live, at, settings) => {
    const symbol = live.symbol(params.symbol);
    if (!symbol) return notFound(`${at}.symbol`, `symbol ${params.symbol}`, live.serverId);
    if (live.platform === 'mt4') {
      if (params.tripleSwapDay === 0 || params.tripleSwapDay === 6) {
        return { errors: [{ field: `${at}.triple_swap_day`, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 rolls over on Monday to Friday only (1-5)' }] };
      }
      if (params.swapMode !== undefined && !MT4_SWAP_MODES.has(params.swapMode)) {
        return { errors: [{ field: `${at}.swap_mode`, code: 'UNSUPPORTED_ON_PLATFORM', message: 'MT4 swap types map to MT5 modes 0, 1, 2, 3 and 5 only' }] };
      }
    }
    const set: Record<string, string> = {};
    if (params.swapLong !== undefined) set['swap_long'] = params.swapLong;
    if (params.swapShort !== undefined) set['swap_short'] = params.swapShort;
    if (params.swapMode !== undefined) set['swap_mode'] = String(params.swapMode);
    if (params.tripleSwapDay !== undefined) set['triple_swap_day'] = String(params.tripleSwapDay);
    const warnings = [
      params.swapLong === undefined ? undefined : deviation(`${at}.swap_long`, canonicalDecimal(symbol.swapLong), canonicalDecimal(params.swapLong), settings.swapDeviationWarning),
      params.swapShort === undefined ? undefined : deviation(`${at}.swap_short`, canonicalDecimal(symbol.swapShort), canonicalDecimal(params.swapShort), settings.swapDeviationWarning),
    ].filter((issue): issue is Issue => issue !== undefined);
    const planned = recordUpdatePlan('symbol', symbolSnapshot(symbol), set, symbolUpdate(params.symbol), warnings);
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
