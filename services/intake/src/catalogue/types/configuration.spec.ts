import { liveView, SETTINGS } from '../live-view-fixture';
import type { PlanOutcome } from '../operation-type';
import { groupSetMarginLevels } from './group-set-margin-levels';
import { groupSetPermissions } from './group-set-permissions';
import { groupSetSymbols } from './group-set-symbols';
import { symbolSetExecution } from './symbol-set-execution';
import { symbolSetSessions } from './symbol-set-sessions';
import { symbolSetSpread } from './symbol-set-spread';
import { symbolSetSwaps } from './symbol-set-swaps';

const planned = (outcome: PlanOutcome) => {
  if ('errors' in outcome) throw new Error(JSON.stringify(outcome.errors));
  return outcome.planned;
};
const codes = (issues: { field: string; code: string }[]) => issues.map((issue) => `${issue.field}:${issue.code}`);
const errorCodes = (outcome: PlanOutcome) => ('errors' in outcome ? codes(outcome.errors) : []);
const group = 'real\\retail\\usd';

describe('group.set_margin_levels', () => {
  it('plans new levels and refuses a stop-out not below the margin call in percent', () => {
    expect(planned(groupSetMarginLevels.plan({ group, marginCall: '90', marginStopOut: '40' }, liveView(), 'at', SETTINGS)).change.groupUpdate).toEqual({
      group,
      set: { margin_call: '90', margin_stop_out: '40' },
    });
    expect(errorCodes(groupSetMarginLevels.plan({ group, marginCall: '50', marginStopOut: '50' }, liveView(), 'at', SETTINGS))).toEqual(['at.margin_stop_out:STOP_OUT_NOT_BELOW_MARGIN_CALL']);
    // In money, a stop-out equal to the margin call is the broker's choice.
    expect(errorCodes(groupSetMarginLevels.plan({ group, marginCall: '50', marginStopOut: '50', marginSoMode: 1 }, liveView(), 'at', SETTINGS))).toEqual([]);
    expect(errorCodes(groupSetMarginLevels.plan({ group, marginCall: '90.5', marginStopOut: '40' }, liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual(['at.margin_call:UNSUPPORTED_ON_PLATFORM']);
    expect(codes(groupSetMarginLevels.validate({ group, marginCall: '-1', marginStopOut: 'x', marginSoMode: 2 }, 'at'))).toEqual(['at.margin_call:FORMAT', 'at.margin_stop_out:FORMAT', 'at.margin_so_mode:RANGE']);
  });
});

describe('group.set_permissions', () => {
  it('sets flag bit fields on MT5 and is refused on MT4', () => {
    expect(planned(groupSetPermissions.plan({ group, tradeFlags: '6' }, liveView(), 'at', SETTINGS)).change.groupUpdate?.set).toEqual({ trade_flags: '6' });
    expect(errorCodes(groupSetPermissions.plan({ group, tradeFlags: '6' }, liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual(['at:UNSUPPORTED_ON_PLATFORM']);
    expect(codes(groupSetPermissions.validate({ group, permissionsFlags: '4294967296' }, 'at'))).toEqual(['at.permissions_flags:RANGE']);
    expect(codes(groupSetPermissions.validate({ group }, 'at'))).toEqual(['at:REQUIRED']);
  });
});

describe('group.set_symbols', () => {
  it('adds paths that match symbols and removes assigned ones, keeping the order of the rest', () => {
    const plan = planned(groupSetSymbols.plan({ group, add: ['Metals\\*'], remove: [] }, liveView(), 'at', SETTINGS));
    expect(plan.after['symbols']).toBe('Forex\\*,Metals\\*');
    expect(plan.revert?.groupUpdate?.set).toEqual({ symbols: 'Forex\\*' });
  });

  it('refuses a path matching no symbol and removing one not assigned; warns about one already there', () => {
    expect(errorCodes(groupSetSymbols.plan({ group, add: ['Energies\\*'], remove: ['Metals\\*'] }, liveView(), 'at', SETTINGS))).toEqual([
      'at.add[0]:SYMBOL_NOT_FOUND',
      'at.remove[0]:NOT_ASSIGNED',
    ]);
    expect(planned(groupSetSymbols.plan({ group, add: ['Forex\\*'], remove: [] }, liveView(), 'at', SETTINGS)).warnings.map((issue) => issue.code)).toEqual(['ALREADY_ASSIGNED']);
    expect(codes(groupSetSymbols.validate({ group, add: ['A,B'], remove: ['A,B'] }, 'at'))).toEqual(['at.add[0]:FORMAT', 'at.remove[0]:FORMAT', 'at.add[0]:CONFLICT']);
  });
});

describe('symbol changes', () => {
  it('set_execution refuses modes MT4 lacks', () => {
    expect(planned(symbolSetExecution.plan({ symbol: 'EURUSD', execMode: 1 }, liveView(), 'at', SETTINGS)).after['exec_mode']).toBe('1');
    expect(errorCodes(symbolSetExecution.plan({ symbol: 'EURUSD', execMode: 3 }, liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual(['at.exec_mode:UNSUPPORTED_ON_PLATFORM']);
    expect(errorCodes(symbolSetExecution.plan({ symbol: 'EURUSD', tradeMode: 1 }, liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual(['at.trade_mode:UNSUPPORTED_ON_PLATFORM']);
    expect(errorCodes(symbolSetExecution.plan({ symbol: 'GBPJPY', tradeMode: 3 }, liveView(), 'at', SETTINGS))).toEqual(['at.symbol:SYMBOL_NOT_FOUND']);
  });

  it('set_spread plans the spread', () => {
    expect(planned(symbolSetSpread.plan({ symbol: 'EURUSD', spread: 9 }, liveView(), 'at', SETTINGS)).before['spread']).toBe('12');
    expect(codes(symbolSetSpread.validate({ symbol: 'EUR/USD', spread: -1 }, 'at'))).toEqual(['at.symbol:FORMAT', 'at.spread:RANGE']);
  });

  it('set_swaps flags a rate moving by more than the configured deviation, or away from zero', () => {
    const small = planned(symbolSetSwaps.plan({ symbol: 'EURUSD', swapLong: '-7.2' }, liveView(), 'at', SETTINGS));
    expect(small.warnings).toEqual([]);
    const large = planned(symbolSetSwaps.plan({ symbol: 'EURUSD', swapLong: '-12', swapShort: '1.9' }, liveView(), 'at', SETTINGS));
    expect(codes(large.warnings)).toEqual(['at.swap_long:SWAP_DEVIATION']);
    expect(codes(planned(symbolSetSwaps.plan({ symbol: 'XAUUSD', swapLong: '-1' }, liveView(), 'at', SETTINGS)).warnings)).toEqual(['at.swap_long:SWAP_DEVIATION']);
    expect(errorCodes(symbolSetSwaps.plan({ symbol: 'EURUSD', tripleSwapDay: 6 }, liveView({ platform: 'mt4' }), 'at', SETTINGS))).toEqual(['at.triple_swap_day:UNSUPPORTED_ON_PLATFORM']);
    expect(codes(symbolSetSwaps.validate({ symbol: 'EURUSD' }, 'at'))).toEqual(['at:REQUIRED']);
  });

  it('set_sessions refuses malformed and overlapping sessions, naming the day', () => {
    expect(planned(symbolSetSessions.plan({ symbol: 'EURUSD', quotes: '', trades: ';0-1440;0-1440;0-1440;0-1440;0-1320;' }, liveView(), 'at', SETTINGS)).after['sessions_trades']).toBe(
      ';0-1440;0-1440;0-1440;0-1440;0-1320;',
    );
    expect(codes(symbolSetSessions.validate({ symbol: 'EURUSD', quotes: ';0-600,500-1440;;;;;', trades: '' }, 'at'))).toEqual(['at.quotes:OVERLAP']);
    expect(codes(symbolSetSessions.validate({ symbol: 'EURUSD', quotes: '', trades: '0-1440' }, 'at'))).toEqual(['at.trades:FORMAT']);
    expect(
      errorCodes(symbolSetSessions.plan({ symbol: 'EURUSD', quotes: ';0-100,200-300,400-500,600-700;;;;;', trades: '' }, liveView({ platform: 'mt4' }), 'at', SETTINGS)),
    ).toEqual(['at.quotes:UNSUPPORTED_ON_PLATFORM']);
  });
});
