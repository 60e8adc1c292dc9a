import { MtDealAction, MtUserRights } from '@tradewarden/mt5-webapi-protocol';
import { GROUP_DEFAULTS, inheritingGroupSymbol } from './group-config';
import type { SimGroup, SimSession, SimSymbol, SimulatorState } from './simulator-state';

const FIRST_NAMES = ['Maria', 'James', 'Anna', 'Luca', 'Chloe', 'Omar', 'Sofia', 'Kenji', 'Amara', 'Lars', 'Elena', 'Diego', 'Priya', 'Noah', 'Yara', 'Ivan'];
const LAST_NAMES = ['Lopez', 'Carter', 'Schmidt', 'Rossi', 'Martin', 'Haddad', 'Novak', 'Tanaka', 'Okafor', 'Berg', 'Petrova', 'Silva', 'Rao', 'Walsh', 'Aziz'];
const COUNTRIES = ['ES', 'GB', 'DE', 'IT', 'FR', 'AE', 'CZ', 'JP', 'NG', 'SE', 'BG', 'BR', 'IN', 'IE', 'MY'];

const weekdays = (open: number, close: number): SimSession[][] =>
  Array.from({ length: 7 }, (_, day) => (day === 0 || day === 6 ? [] : [{ open, close }]));

/** Instruments with realistic specifications, sessions and swaps (MT5 conventions: Swap3Day 0 = Sunday). */
const SYMBOLS: SimSymbol[] = [
  { symbol: 'EURUSD', path: 'Forex\\Majors\\EURUSD', description: 'Euro vs US Dollar', currencyBase: 'EUR', currencyProfit: 'USD', digits: 5, contractSize: 100000, bid: 1.08452, spread: 12, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: -6.8, swapShort: 1.9, swap3Day: 3, sessionsQuotes: weekdays(0, 1440), sessionsTrades: weekdays(0, 1440) },
  { symbol: 'GBPUSD', path: 'Forex\\Majors\\GBPUSD', description: 'Great Britain Pound vs US Dollar', currencyBase: 'GBP', currencyProfit: 'USD', digits: 5, contractSize: 100000, bid: 1.27118, spread: 15, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: -4.1, swapShort: -1.2, swap3Day: 3, sessionsQuotes: weekdays(0, 1440), sessionsTrades: weekdays(0, 1440) },
  { symbol: 'USDJPY', path: 'Forex\\Majors\\USDJPY', description: 'US Dollar vs Japanese Yen', currencyBase: 'USD', currencyProfit: 'JPY', digits: 3, contractSize: 100000, bid: 151.384, spread: 14, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: 14.2, swapShort: -27.5, swap3Day: 3, sessionsQuotes: weekdays(0, 1440), sessionsTrades: weekdays(0, 1440) },
  { symbol: 'XAUUSD', path: 'Metals\\XAUUSD', description: 'Gold vs US Dollar', currencyBase: 'XAU', currencyProfit: 'USD', digits: 2, contractSize: 100, bid: 2334.17, spread: 25, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: -48.3, swapShort: 21.7, swap3Day: 3, sessionsQuotes: weekdays(60, 1435), sessionsTrades: weekdays(60, 1435) },
  { symbol: 'US500', path: 'Indices\\US500', description: 'US 500 Cash Index', currencyBase: 'USD', currencyProfit: 'USD', digits: 1, contractSize: 10, bid: 5231.4, spread: 5, tradeMode: 4, execMode: 2, swapMode: 2, swapLong: -1.12, swapShort: 0.31, swap3Day: 5, sessionsQuotes: weekdays(60, 1320), sessionsTrades: weekdays(60, 1315) },
  { symbol: 'BTCUSD', path: 'Crypto\\BTCUSD', description: 'Bitcoin vs US Dollar', currencyBase: 'BTC', currencyProfit: 'USD', digits: 2, contractSize: 1, bid: 67412.55, spread: 3500, tradeMode: 3, execMode: 2, swapMode: 6, swapLong: -20, swapShort: -20, swap3Day: 5, sessionsQuotes: Array.from({ length: 7 }, () => [{ open: 0, close: 1440 }]), sessionsTrades: Array.from({ length: 7 }, () => [{ open: 0, close: 1440 }]) },
];

const tradable = (...paths: string[]) => paths.map(inheritingGroupSymbol);

/** The groups of the demo broker: real groups trade forex, metals and indices; demo may also trade crypto. */
const GROUPS: SimGroup[] = [
  { ...GROUP_DEFAULTS, group: 'real\\retail\\usd', currency: 'USD', currencyDigits: 2, marginCall: 100, marginStopOut: 50, symbols: tradable('Forex\\*', 'Metals\\*', 'Indices\\*') },
  { ...GROUP_DEFAULTS, group: 'real\\pro\\usd', currency: 'USD', currencyDigits: 2, marginCall: 100, marginStopOut: 50, authPasswordMin: 10, symbols: tradable('Forex\\*', 'Metals\\*', 'Indices\\*') },
  { ...GROUP_DEFAULTS, group: 'real\\retail\\eur', currency: 'EUR', currencyDigits: 2, marginCall: 100, marginStopOut: 50, symbols: tradable('Forex\\*', 'Metals\\*') },
  { ...GROUP_DEFAULTS, group: 'demo\\standard', currency: 'USD', currencyDigits: 2, marginCall: 80, marginStopOut: 30, demoLeverage: 100, demoDeposit: 10_000, symbols: tradable('Forex\\*', 'Metals\\*', 'Indices\\*', 'Crypto\\*') },
];

/** Groups and instruments every simulated MT5 server has. */
export function seedMarket(state: SimulatorState): void {
  for (const group of GROUPS) state.groups.set(group.group, structuredClone(group));
  seedSymbols(state);
}

export function seedSymbols(state: SimulatorState): void {
  for (const symbol of SYMBOLS) state.symbols.set(symbol.symbol, structuredClone(symbol));
}

/**
 * `count` further accounts from login 600001, deterministic for a seed: names, countries, groups, leverage, an opening
 * deposit in the deal history, and open positions for about a third of them.
 */
export function seedGeneratedAccounts(
  state: SimulatorState,
  count: number,
  random: () => number,
  where: { firstLogin: number; groups?: readonly string[] } = { firstLogin: 600001 },
): void {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const now = Math.floor(Date.now() / 1000);
  for (let i = 0; i < count; i += 1) {
    const login = BigInt(where.firstLogin + i);
    const firstName = pick(FIRST_NAMES);
    const lastName = pick(LAST_NAMES);
    const group = where.groups ? state.groups.get(pick(where.groups))! : pick(GROUPS);
    const deposit = BigInt(Math.round(100 + random() * 49_900)) * 100n;
    const account = state.addAccount({
      login,
      group: group.group,
      firstName,
      lastName,
      email: `${firstName.toLowerCase()}.${lastName.toLowerCase()}${i}@example.com`,
      country: pick(COUNTRIES),
      leverage: pick([30, 50, 100, 200, 500]),
      rights: MtUserRights.DEFAULT,
      currencyDigits: group.currencyDigits,
      balance: 0n,
      credit: 0n,
      margin: 0n,
      registration: now - Math.floor(random() * 3 * 365 * 86400),
    });
    const deal = state.bookBalanceDeal(account, MtDealAction.BALANCE, deposit, 'opening deposit');
    deal.timeMsc = account.registration * 1000;
    if (random() < 0.33) {
      const positions = 1 + Math.floor(random() * 3);
      for (let p = 0; p < positions; p += 1) {
        const symbol = pick(SYMBOLS);
        const action = random() < 0.5 ? 0 : 1;
        const point = 10 ** -symbol.digits;
        const priceOpen = Number((symbol.bid * (1 + (random() - 0.5) * 0.01)).toFixed(symbol.digits));
        const distance = 200 * point * (1 + Math.floor(random() * 5));
        const ticket = state.nextPositionTicket();
        state.positions.set(ticket, {
          position: ticket,
          login,
          symbol: symbol.symbol,
          action,
          volume: pick([100, 500, 1000, 5000, 10000]),
          priceOpen,
          priceSL: random() < 0.6 ? Number((action === 0 ? priceOpen - distance : priceOpen + distance).toFixed(symbol.digits)) : 0,
          priceTP: random() < 0.5 ? Number((action === 0 ? priceOpen + distance * 2 : priceOpen - distance * 2).toFixed(symbol.digits)) : 0,
          timeCreate: now - Math.floor(random() * 30 * 86400),
        });
        account.margin += BigInt(Math.round((symbol.contractSize * symbol.bid * 0.0001 * 100) / account.leverage)) * 100n;
      }
    }
  }
}

/**
 * Pending orders (buy/sell limits and stops away from the market) for about one generated account in ten, from their
 * own random stream so that the accounts stay what they were for a seed.
 */
export function seedPendingOrders(state: SimulatorState, logins: readonly bigint[], random: () => number): void {
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const now = Math.floor(Date.now() / 1000);
  for (const login of logins) {
    if (random() >= 0.1) continue;
    const orders = 1 + Math.floor(random() * 2);
    for (let i = 0; i < orders; i += 1) {
      const symbol = pick(SYMBOLS);
      // 2 buy limit and 5 sell stop sit below the market, 3 sell limit and 4 buy stop above it.
      const type = pick([2, 3, 4, 5]);
      const below = type === 2 || type === 5;
      const point = 10 ** -symbol.digits;
      const distance = 300 * point * (1 + Math.floor(random() * 5));
      const priceOrder = Number((below ? symbol.bid - distance : symbol.bid + distance).toFixed(symbol.digits));
      const buy = type === 2 || type === 4;
      const volume = pick([100, 500, 1000, 5000]);
      const ticket = state.nextOrderTicket();
      state.orders.set(ticket, {
        order: ticket,
        login,
        symbol: symbol.symbol,
        type,
        // ORDER_STATE_PLACED
        state: 1,
        priceOrder,
        priceSL: Number((buy ? priceOrder - distance : priceOrder + distance).toFixed(symbol.digits)),
        priceTP: random() < 0.5 ? Number((buy ? priceOrder + distance * 2 : priceOrder - distance * 2).toFixed(symbol.digits)) : 0,
        volumeInitial: volume,
        volumeCurrent: volume,
        timeSetup: now - Math.floor(random() * 7 * 86400),
        comment: '',
      });
    }
  }
}
