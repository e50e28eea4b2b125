import { errors, type BinanceAnswer } from './binance-errors.ts';
import { selectTrades, type TradeIndex } from './binance-trade-index.ts';
import * as wire from './binance-wire.ts';
import type { ExchangeFixture } from './exchange-stand-in.ts';

/** What a route reads: the account as it is now and the stand-in's settings. */
export interface RouteContext {
  fixture: ExchangeFixture;
  permissions: { trade: boolean; withdraw: boolean };
  trades: TradeIndex;
  serverTime: number;
  keyCreatedAt: number;
  weightLimit: number;
}

export interface Route {
  /** Binance's documented request weight (IP weight for SAPI). */
  weight: number;
  signed: boolean;
  answer(params: URLSearchParams, context: RouteContext): BinanceAnswer;
}

const DAY = 86_400_000;
const ok = (body: unknown): BinanceAnswer => ({ status: 200, body });

/** Every endpoint ccxt calls for the engine, by `METHOD /path`. */
export const ROUTES: Record<string, Route> = {
  'GET /api/v3/time': { weight: 1, signed: false, answer: (_p, c) => ok({ serverTime: c.serverTime }) },
  'GET /api/v3/exchangeInfo': {
    weight: 20,
    signed: false,
    answer: (_p, c) => ok(wire.exchangeInfo(marketsOf(c), c.serverTime, c.weightLimit)),
  },
  'GET /sapi/v1/capital/config/getall': {
    weight: 10,
    signed: true,
    answer: (_p, c) => ok([...networksByCoin(c)].map(([coin, networks]) => wire.coinConfig(coin, [...networks]))),
  },
  'GET /api/v3/account': {
    weight: 20,
    signed: true,
    answer: (_p, c) => ok(wire.spotAccount(walletBalances(c.fixture, 'spot'), c.serverTime)),
  },
  'POST /sapi/v1/asset/get-funding-asset': {
    weight: 1,
    signed: true,
    answer: (p, c) => {
      const asset = p.get('asset');
      const balances = walletBalances(c.fixture, 'funding').filter((b) => !asset || b.asset === asset);
      return ok(wire.fundingAssets(balances));
    },
  },
  'GET /sapi/v1/account/apiRestrictions': {
    weight: 1,
    signed: true,
    answer: (_p, c) => ok(wire.apiRestrictions(c.permissions, c.keyCreatedAt)),
  },
  'GET /sapi/v1/capital/deposit/hisrec': {
    weight: 1,
    signed: true,
    answer: (p, c) => transferPage(p, c, c.fixture.deposits, wire.depositRecord),
  },
  'GET /sapi/v1/capital/withdraw/history': {
    weight: 1,
    signed: true,
    answer: (p, c) => transferPage(p, c, c.fixture.withdrawals, wire.withdrawalRecord),
  },
  'GET /api/v3/myTrades': { weight: 20, signed: true, answer: myTrades },
  'GET /sapi/v1/asset/assetDividend': { weight: 10, signed: true, answer: assetDividends },
  'GET /sapi/v1/asset/dribblet': { weight: 1, signed: true, answer: dribblets },
};

function walletBalances(fixture: ExchangeFixture, wallet: string): ExchangeFixture['balances'] {
  return fixture.balances.filter((b) => (b.wallet ?? 'spot') === wallet);
}

function marketsOf(context: RouteContext): Array<[string, string]> {
  const markets = new Map<string, [string, string]>();
  for (const [base, quote] of [...wire.DEFAULT_MARKETS, ...context.trades.markets(context.fixture.trades)])
    markets.set(base + quote, [base, quote]);
  return [...markets.values()];
}

/** Every coin the account or its markets name, with the networks its transfers used. */
function networksByCoin(context: RouteContext): Map<string, Set<string>> {
  const coins = new Map<string, Set<string>>();
  const add = (coin: string, network?: string) => {
    let networks = coins.get(coin);
    if (!networks) coins.set(coin, (networks = new Set([wire.defaultNetwork(coin)])));
    if (network) networks.add(network);
  };
  const f = context.fixture;
  for (const [base, quote] of marketsOf(context)) [base, quote].forEach((coin) => add(coin));
  f.balances.forEach((b) => add(b.asset));
  [...f.deposits, ...f.withdrawals].forEach((t) => add(t.asset, t.network));
  f.rewards.forEach((r) => add(r.asset));
  f.conversions.forEach((c) => [c.from.asset, c.to.asset].forEach((coin) => add(coin)));
  return coins;
}

function integer(params: URLSearchParams, name: string): number | undefined | 'invalid' {
  const text = params.get(name);
  if (text === null || text === '') return undefined;
  return /^-?\d+$/.test(text) ? Number(text) : 'invalid';
}

function pageLimit(params: URLSearchParams, fallback: number, max: number): number | BinanceAnswer {
  const limit = integer(params, 'limit');
  if (limit === 'invalid' || (limit !== undefined && (limit < 1 || limit > max))) return errors.invalidValue('limit');
  return limit ?? fallback;
}

/** startTime/endTime of a history endpoint that looks back `spanDays` by default and at most. */
function timeWindow(
  params: URLSearchParams,
  now: number,
  spanDays: number,
): { start: number; end: number } | BinanceAnswer {
  const startTime = integer(params, 'startTime');
  const endTime = integer(params, 'endTime');
  if (startTime === 'invalid') return errors.invalidValue('startTime');
  if (endTime === 'invalid') return errors.invalidValue('endTime');
  const start = startTime ?? now - spanDays * DAY;
  const end = endTime ?? now;
  if (end - start > spanDays * DAY) return errors.tooManyHours(spanDays * 24);
  return { start, end };
}

/**
 * `capital/deposit/hisrec` and `capital/withdraw/history`: at most 90 days per call (the last 90
 * by default), newest first, `offset`/`limit` (max 1000) paging inside the window.
 */
function transferPage<T extends { timestamp: number }>(
  params: URLSearchParams,
  context: RouteContext,
  records: T[],
  toWire: (record: T) => { coin: string; status: number },
): BinanceAnswer {
  const window = timeWindow(params, context.serverTime, 90);
  if ('status' in window) return window;
  const limit = pageLimit(params, 1000, 1000);
  if (typeof limit !== 'number') return limit;
  const offset = integer(params, 'offset');
  if (offset === 'invalid') return errors.invalidValue('offset');
  const coin = params.get('coin');
  const status = params.get('status');
  const matching = records
    .filter((r) => r.timestamp >= window.start && r.timestamp <= window.end)
    .sort((a, b) => b.timestamp - a.timestamp)
    .map(toWire)
    .filter((r) => (!coin || r.coin === coin) && (status === null || String(r.status) === status));
  const from = offset ?? 0;
  return ok(matching.slice(from, from + limit));
}

/** `GET /api/v3/myTrades`: one symbol, limit ≤ 1000, startTime and endTime at most 24 h apart. */
function myTrades(params: URLSearchParams, context: RouteContext): BinanceAnswer {
  const symbol = params.get('symbol');
  if (!symbol) return errors.missing('symbol');
  const limit = pageLimit(params, 500, 1000);
  if (typeof limit !== 'number') return limit;
  const startTime = integer(params, 'startTime');
  const endTime = integer(params, 'endTime');
  const fromId = params.get('fromId') ?? undefined;
  if (startTime === 'invalid') return errors.invalidValue('startTime');
  if (endTime === 'invalid') return errors.invalidValue('endTime');
  if (fromId !== undefined && (startTime !== undefined || endTime !== undefined)) return errors.badCombination();
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > DAY) return errors.tooManyHours(24);
  const list = context.trades.trades(context.fixture.trades, symbol);
  if (list.length === 0 && !wire.DEFAULT_MARKETS.some(([base, quote]) => base + quote === symbol))
    return errors.invalidSymbol();
  return ok(selectTrades(list, { startTime, endTime, fromId, limit }).map(wire.myTrade));
}

/** `GET /sapi/v1/asset/assetDividend`: ≤ 180 days per call, newest first, limit 20 by default, 500 at most. */
function assetDividends(params: URLSearchParams, context: RouteContext): BinanceAnswer {
  const window = timeWindow(params, context.serverTime, 180);
  if ('status' in window) return window;
  const limit = pageLimit(params, 20, 500);
  if (typeof limit !== 'number') return limit;
  const asset = params.get('asset');
  const rows = context.fixture.rewards
    .filter((r) => r.timestamp >= window.start && r.timestamp <= window.end && (!asset || r.asset === asset))
    .sort((a, b) => b.timestamp - a.timestamp);
  return ok({ rows: rows.slice(0, limit).map(wire.assetDividend), total: rows.length });
}

/** `GET /sapi/v1/asset/dribblet`: dust sweeps into BNB, newest first, the last 100 at most. */
function dribblets(params: URLSearchParams, context: RouteContext): BinanceAnswer {
  const startTime = integer(params, 'startTime');
  const endTime = integer(params, 'endTime');
  if (startTime === 'invalid') return errors.invalidValue('startTime');
  if (endTime === 'invalid') return errors.invalidValue('endTime');
  const sweeps = context.fixture.conversions
    .filter((c) => c.to.asset === 'BNB')
    .filter((c) => c.timestamp >= (startTime ?? 0) && c.timestamp <= (endTime ?? context.serverTime))
    .sort((a, b) => b.timestamp - a.timestamp)
    .slice(0, 100);
  return ok({ total: sweeps.length, userAssetDribblets: sweeps.map(wire.dribblet) });
}
