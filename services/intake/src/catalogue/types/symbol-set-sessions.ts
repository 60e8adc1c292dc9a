import { formatSessions, symbolSnapshot } from '@tradewarden/mt-change';
import type { catalogueV1 } from '@tradewarden/proto';
import { sessions, symbolName } from '../field-rules';
import type { Issue, OperationType } from '../operation-type';
import { notFound, recordUpdatePlan, symbolUpdate, unchangedWarning } from '../plan-builders';

type Params = catalogueV1.SymbolSessionsParams;

const MT4_SESSIONS_PER_DAY = 3;

export const symbolSetSessions: OperationType<Params> = {
  name: 'symbol.set_sessions',
  family: 'symbols',
  description: "replace a symbol's quote and/or trade sessions (seven days, Sunday first, minutes from 00:00)",
  params: (spec) => spec.symbolSetSessions,
  validate: (params, at) => {
    const issues: Issue[] = [];
    const name = symbolName(params.symbol, `${at}.symbol`);
    if (name) issues.push(name);
    for (const [field, value] of [
      ['quotes', params.quotes],
      ['trades', params.trades],
    ] as const) {
      if (value === '') continue;
      const parsed = sessions(value, `${at}.${field}`);
      if ('issue' in parsed) issues.push(parsed.issue);
    }
    if (params.quotes === '' && params.trades === '') issues.push({ field: at, code: 'REQUIRED', message: 'give quotes, trades or both' });
    return issues;
  },
  targets: (params) => [{ kind: 'symbol', symbol: params.symbol }],
  plan: (params, live, at) => {
    const symbol = live.symbol(params.symbol);
    if (!symbol) return notFound(`${at}.symbol`, `symbol ${params.symbol}`, live.serverId);
    const set: Record<string, string> = {};
    for (const [field, value, key] of [
      ['quotes', params.quotes, 'sessions_quotes'],
      ['trades', params.trades, 'sessions_trades'],
    ] as const) {
      if (value === '') continue;
      const parsed = sessions(value, `${at}.${field}`);
      if ('issue' in parsed) return { errors: [parsed.issue] };
      if (live.platform === 'mt4' && parsed.days.some((day) => day.length > MT4_SESSIONS_PER_DAY)) {
        return { errors: [{ field: `${at}.${field}`, code: 'UNSUPPORTED_ON_PLATFORM', message: `MT4 holds at most ${MT4_SESSIONS_PER_DAY} sessions a day` }] };
      }
      set[key] = formatSessions(parsed.days);
    }
    const planned = recordUpdatePlan('symbol', symbolSnapshot(symbol), set, symbolUpdate(params.symbol));
    planned.warnings.push(...unchangedWarning(at, planned.before, planned.after));
    return { planned };
  },
};
