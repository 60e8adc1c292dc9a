import { gatewayV1 } from '@tradewarden/proto';
import type { CatalogueSettings, LiveView } from './operation-type';

// Live state for the catalogue's unit tests: the plans are pure functions of it. (Integration tests read the simulator
// through the real gateway.)

export const SETTINGS: CatalogueSettings = { maxLeverage: 500, swapDeviationWarning: 0.5 };

const week = ';0-1440;0-1440;0-1440;0-1440;0-1440;';

/** `marginRead: false` is a view read without free margin (MT4, or accounts read without asking for it). */
export function liveView(overrides: { platform?: 'mt5' | 'mt4'; marginRead?: boolean } = {}): LiveView {
  const accounts = [
    gatewayV1.Account.fromPartial({
      login: '500001',
      group: 'real\\retail\\usd',
      firstName: 'Maria',
      lastName: 'Lopez',
      email: 'maria.lopez@example.com',
      country: 'ES',
      leverage: 100,
      enabled: true,
      tradingEnabled: true,
      balance: { amount: '1000.00', currency: 'USD' },
      credit: { amount: '50.00', currency: 'USD' },
      marginFree: overrides.marginRead === false ? undefined : { amount: '800.00', currency: 'USD' },
    }),
  ];
  const groups = [
    gatewayV1.Group.fromPartial({ group: 'real\\retail\\usd', currency: 'USD', currencyDigits: 2, marginCall: '100', marginStopOut: '50', marginSoMode: 0, symbols: ['Forex\\*'] }),
    gatewayV1.Group.fromPartial({ group: 'real\\pro\\usd', currency: 'USD', currencyDigits: 2, marginCall: '100', marginStopOut: '30', marginSoMode: 0, symbols: ['Forex\\*'] }),
    gatewayV1.Group.fromPartial({ group: 'real\\retail\\eur', currency: 'EUR', currencyDigits: 2, marginCall: '100', marginStopOut: '50', marginSoMode: 0, symbols: [] }),
  ];
  const days = (text: string) =>
    text.split(';').map((day) => ({ sessions: day === '' ? [] : day.split(',').map((range) => ({ openMinute: Number(range.split('-')[0]), closeMinute: Number(range.split('-')[1]) })) }));
  const symbols = [
    gatewayV1.Symbol.fromPartial({ symbol: 'EURUSD', path: 'Forex\\Majors\\EURUSD', digits: 5, spread: 12, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: '-6.8', swapShort: '1.9', tripleSwapDay: 3, sessionsQuotes: days(week), sessionsTrades: days(week) }),
    gatewayV1.Symbol.fromPartial({ symbol: 'XAUUSD', path: 'Metals\\XAUUSD', digits: 2, spread: 25, tradeMode: 4, execMode: 2, swapMode: 1, swapLong: '0', swapShort: '21.7', tripleSwapDay: 3, sessionsQuotes: days(week), sessionsTrades: days(week) }),
  ];
  const positions = [
    gatewayV1.Position.fromPartial({ position: '7000001', login: '500001', symbol: 'EURUSD', action: 0, volume: '1', priceOpen: '1.08000', priceCurrent: '1.08452', priceSl: '1.07000', priceTp: '0.00000' }),
    gatewayV1.Position.fromPartial({ position: '7000002', login: '500001', symbol: 'XAUUSD', action: 1, volume: '0.1', priceOpen: '2340.00', priceCurrent: '2334.42', priceSl: '0.00', priceTp: '2300.00' }),
  ];
  // A buy limit below and a sell stop below the market, a buy stop limit (compared with its limit price), and a market
  // order still executing.
  const orders = [
    gatewayV1.Order.fromPartial({ order: '8000001', login: '500001', symbol: 'EURUSD', type: 2, volume: '0.5', priceOrder: '1.08000', priceTrigger: '0', priceCurrent: '1.08464', priceSl: '1.07500', priceTp: '0.00000' }),
    gatewayV1.Order.fromPartial({ order: '8000002', login: '500001', symbol: 'XAUUSD', type: 5, volume: '0.1', priceOrder: '2320.00', priceTrigger: '0', priceCurrent: '2334.17', priceSl: '2330.00', priceTp: '2300.00' }),
    gatewayV1.Order.fromPartial({ order: '8000003', login: '500001', symbol: 'EURUSD', type: 6, volume: '1', priceOrder: '1.09000', priceTrigger: '1.08900', priceCurrent: '1.08464', priceSl: '0.00000', priceTp: '0.00000' }),
    gatewayV1.Order.fromPartial({ order: '8000004', login: '500001', symbol: 'EURUSD', type: 0, volume: '1', priceOrder: '1.08464', priceTrigger: '0', priceCurrent: '1.08464', priceSl: '0.00000', priceTp: '0.00000' }),
  ];
  return {
    serverId: 'mt5-demo-1',
    platform: overrides.platform ?? 'mt5',
    account: (login) => accounts.find((account) => account.login === login),
    group: (name) => groups.find((group) => group.group === name),
    symbol: (name) => symbols.find((symbol) => symbol.symbol === name),
    allSymbols: () => symbols,
    position: (login, ticket) => positions.find((position) => position.login === login && position.position === ticket),
    order: (login, ticket) => orders.find((order) => order.login === login && order.order === ticket),
    grants: () => [],
    policies: () => [],
  };
}
