import ccxt, { type Exchange } from 'ccxt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binance } from '../../../src/portfolio/sources/exchange/exchanges/binance.ts';
import { startBinanceStandIn, type BinanceStandInOptions } from './support/binance-stand-in.ts';
import { accountFixture } from './support/binance-account-fixture.ts';
import type { ExchangeStandIn } from './support/exchange-stand-in.ts';

const DAY = 86_400_000;
const NOW = Date.now();

/** Points every API URL of ccxt at the stand-in, keeping paths (as the engine does). */
function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** A ccxt binance as the engine builds it, aimed at the stand-in. */
function connect(standIn: ExchangeStandIn, secret = standIn.key.secret_key): Exchange {
  const exchange = new ccxt.binance({
    apiKey: standIn.key.api_key,
    secret,
    enableRateLimit: true,
    options: binance.options,
  });
  exchange.number = String as unknown as typeof exchange.number;
  exchange.urls.api = pointAt(exchange.urls.api, standIn.url) as typeof exchange.urls.api;
  return exchange;
}

/** `"0.50000000"` and `"0.5"` are the same amount: Binance pads to 8 decimals. */
function decimal(text: string | number | undefined): string {
  const value = String(text);
  return value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value;
}

describe('Binance stand-in through ccxt', () => {
  let standIn: ExchangeStandIn;
  let exchange: Exchange;

  beforeAll(async () => {
    standIn = await startBinanceStandIn({ fixture: accountFixture(NOW) });
    exchange = connect(standIn);
  });
  afterAll(() => standIn.close());

  it('loads spot markets and coins only (no futures, no margin pairs)', async () => {
    await exchange.loadMarkets();
    expect(Object.keys(exchange.markets ?? {})).toEqual(
      expect.arrayContaining(['BTC/USDT', 'ETH/BTC', 'ETH/USDT', 'BNB/USDT', 'SOL/USDT']),
    );
    expect(exchange.markets!['ETH/BTC']).toMatchObject({
      id: 'ETHBTC',
      base: 'ETH',
      quote: 'BTC',
      spot: true,
      active: true,
    });
    expect(exchange.currencies['USDT']!.networks).toHaveProperty('ERC20');
    expect(standIn.requests.map((r) => r.path)).toEqual(['/sapi/v1/capital/config/getall', '/api/v3/exchangeInfo']);
  });

  it('reads the spot and funding wallets', async () => {
    const spot = await exchange.fetchBalance();
    expect(decimal(spot['BTC']!.free)).toBe('0.5');
    expect(decimal(spot['BTC']!.used)).toBe('0.1');
    expect(decimal(spot['BTC']!.total)).toBe('0.6');
    expect(decimal(spot['ETH']!.free)).toBe('2.25');
    expect(spot['USDT']).toBeUndefined();
    const funding = await exchange.fetchBalance({ type: 'funding' });
    expect(decimal(funding['USDT']!.total)).toBe('1000');
    expect(decimal(funding['BNB']!.used)).toBe('0.05');
    expect(decimal(funding['BNB']!.total)).toBe('0.35');
    expect(funding['BTC']).toBeUndefined();
    expect(standIn.requests.at(-1)).toMatchObject({ method: 'POST', path: '/sapi/v1/asset/get-funding-asset' });
  });

  it('reports what the key may do', async () => {
    expect(await binance.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: false };
    expect(await binance.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: false });
    standIn.permissions = { trade: false, withdraw: true };
    expect(await binance.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: true });
    standIn.permissions = { trade: false, withdraw: false };
  });

  it('walks deposits and withdrawals in 90-day windows and parses every field', async () => {
    const since = NOW - 365 * DAY;
    const deposits = [];
    const withdrawals = [];
    for (let start = since; start <= NOW; start += binance.transferWindowMs!) {
      const until = Math.min(start + binance.transferWindowMs! - 1, NOW);
      deposits.push(...(await exchange.fetchDeposits(undefined, start, binance.pageLimit, { until })));
      withdrawals.push(...(await exchange.fetchWithdrawals(undefined, start, binance.pageLimit, { until })));
    }
    expect(deposits.map((d) => [d.id, d.currency, decimal(d.amount), d.network, d.status, d.timestamp])).toEqual([
      ['769800519366885376', 'USDT', '1000', 'ERC20', 'ok', NOW - 250 * DAY],
      ['769800519366885377', 'BTC', '0.75', 'BTC', 'ok', NOW - 100 * DAY],
      ['769800519366885378', 'USDT', '50', 'BEP20', 'pending', NOW - 10 * DAY],
      // ccxt leaves Binance's "rejected" (2) unmapped.
      ['769800519366885379', 'USDT', '5', 'TRC20', '2', NOW - 5 * DAY],
    ]);
    expect(deposits[0]).toMatchObject({
      type: 'deposit',
      txid: '0x98a3ea560c6b3336d348b6c83f0f95ece4f1f5919e94bd006e5bf3bf264facfc',
      address: '0xc9c923c87347ca0f3451d6d308ce84f691b9f501',
      internal: false,
    });
    expect(deposits[0]!.fee).toBeUndefined();
    // Binance gives withdrawals a second-precision `applyTime`: the milliseconds are gone.
    expect(withdrawals.map((w) => [w.id, w.currency, decimal(w.amount), w.network, w.status, w.timestamp])).toEqual([
      [
        '69e53ad305124b96b43668ceab158a18',
        'BTC',
        '0.1',
        'BTC',
        'ok',
        Math.floor((NOW - 120 * DAY + 456) / 1000) * 1000,
      ],
      ['9a67628b16ba4988ae20d329333f16bc', 'USDT', '20', 'TRC20', 'pending', Math.floor((NOW - 2 * DAY) / 1000) * 1000],
    ]);
    expect(withdrawals[0]).toMatchObject({ type: 'withdrawal', txid: 'c0ffee', address: 'bc1qwithdraw' });
    expect(decimal(withdrawals[0]!.fee!.cost)).toBe('0.0002');
    expect(withdrawals[0]!.fee!.currency).toBe('BTC');
  });

  it('answers transfer history newest first, paged by offset, and refuses more than 90 days', async () => {
    const api = exchange as unknown as Record<string, (params: object) => Promise<Array<{ id: string }>>>;
    const window = { startTime: NOW - 90 * DAY, endTime: NOW };
    const newest = await api['sapiGetCapitalDepositHisrec']!({ ...window, limit: 1 });
    const older = await api['sapiGetCapitalDepositHisrec']!({ ...window, limit: 1, offset: 1 });
    expect([newest[0]!.id, older[0]!.id]).toEqual(['769800519366885379', '769800519366885378']);
    await expect(
      api['sapiGetCapitalWithdrawHistory']!({ startTime: NOW - 91 * DAY, endTime: NOW }),
    ).rejects.toBeInstanceOf(ccxt.BadRequest);
  });

  it('pages every trade of a market exactly once, oldest first, and parses them', async () => {
    const seen = new Map<string, Awaited<ReturnType<Exchange['fetchMyTrades']>>[number]>();
    let since = NOW - 400 * DAY;
    let calls = 0;
    for (;;) {
      const page = await exchange.fetchMyTrades('BTC/USDT', since, binance.pageLimit);
      calls++;
      for (const trade of page) seen.set(trade.id!, trade);
      if (page.length < binance.pageLimit) break;
      // Fills of one order share a millisecond: resume at it (inclusive) and drop ids already seen.
      since = page.at(-1)!.timestamp!;
    }
    expect(calls).toBe(3);
    const expected = standIn.fixture.trades.filter((t) => t.quote === 'USDT');
    expect([...seen.keys()]).toEqual(expected.map((t) => t.id));
    const [first] = expected;
    expect(seen.get(first!.id)).toMatchObject({
      symbol: 'BTC/USDT',
      order: first!.orderId,
      side: 'buy',
      takerOrMaker: 'taker',
      timestamp: first!.timestamp,
    });
    const parsed = seen.get(first!.id)!;
    expect([parsed.amount, parsed.price, parsed.cost].map(decimal)).toEqual(
      [first!.amount, first!.price, first!.cost].map(decimal),
    );
    expect([decimal(parsed.fee!.cost), parsed.fee!.currency]).toEqual(['0.0000125', 'BNB']);
    expect(seen.get('5000001')!.side).toBe('sell');

    const [eth] = await exchange.fetchMyTrades('ETH/BTC', NOW - 400 * DAY, binance.pageLimit);
    expect(eth).toMatchObject({ id: '77', order: '7001', side: 'sell', symbol: 'ETH/BTC', timestamp: NOW - 20 * DAY });
    expect([eth!.amount, eth!.price, eth!.cost, eth!.fee!.cost].map(decimal)).toEqual([
      '1.5',
      '0.052',
      '0.078',
      '0.000078',
    ]);
    expect(await exchange.fetchMyTrades('SOL/USDT', NOW - 400 * DAY, binance.pageLimit)).toEqual([]);
  });

  it('loses fills that share a millisecond when paging resumes at the last time + 1', async () => {
    const first = await exchange.fetchMyTrades('BTC/USDT', NOW - 400 * DAY, binance.pageLimit);
    const second = await exchange.fetchMyTrades('BTC/USDT', first.at(-1)!.timestamp! + 1, binance.pageLimit);
    // The 1000th fill is the first of three at one millisecond; the next two are skipped.
    expect(Number(second[0]!.id) - Number(first.at(-1)!.id)).toBe(3);
  });

  it('needs a symbol and at most 24 hours between startTime and endTime for trades', async () => {
    await expect(exchange.fetchMyTrades(undefined, NOW - DAY, 10)).rejects.toBeInstanceOf(ccxt.ArgumentsRequired);
    await expect(exchange.fetchMyTrades('BTC/USDT', NOW - 3 * DAY, 10, { until: NOW })).rejects.toBeInstanceOf(
      ccxt.BadRequest,
    );
    expect(exchange.last_http_response).toContain('-1127');
    const day = await exchange.fetchMyTrades('ETH/BTC', NOW - 20 * DAY - 1000, 10, { until: NOW - 19 * DAY - 1000 });
    expect(day.map((t) => t.id)).toEqual(['77']);
  });

  it('reads dividends and dust sweeps as rewards and conversions', async () => {
    const [dividends, dust] = binance.extraHistories!;
    const rewards = await dividends!.fetch(exchange, NOW - 180 * DAY, NOW);
    expect(rewards.map((r) => [r.externalId, r.category, r.inputs[0]!.asset.symbol, r.inputs[0]!.quantity])).toEqual([
      ['dividends:242006911', 'interest', 'USDT', 500_000n],
      ['dividends:242006910', 'staking_reward', 'ETH', 1_234_560_000_000_000n],
    ]);
    expect(rewards[1]).toMatchObject({ timestamp: NOW - 40 * DAY, status: 'confirmed', outputs: [], fees: [] });
    const [sweep, ...rest] = await dust!.fetch(exchange, NOW - 180 * DAY, NOW);
    expect(rest).toEqual([]);
    expect(sweep).toMatchObject({ externalId: 'dust:45178372831:DOGE', category: 'trade', timestamp: NOW - 30 * DAY });
    expect(sweep!.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['BNB', 1_230_000_000_000_000n]]);
    expect(sweep!.outputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['DOGE', 320_000_000n]]);
  });
});

describe('Binance stand-in faults as ccxt reports them', () => {
  const started: ExchangeStandIn[] = [];
  async function start(options: BinanceStandInOptions = {}): Promise<ExchangeStandIn> {
    const standIn = await startBinanceStandIn({ fixture: accountFixture(NOW), ...options });
    started.push(standIn);
    return standIn;
  }
  afterAll(() => Promise.all(started.map((s) => s.close())));

  it('rejects a wrong signature with -1022 (AuthenticationError)', async () => {
    const standIn = await start();
    const exchange = connect(standIn, 'not-the-secret');
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(exchange.last_http_response).toBe('{"code":-1022,"msg":"Signature for this request is not valid."}');
  });

  it('rejects a revoked key with 401 -2015 (AuthenticationError; DDoSProtection once ccxt has authenticated)', async () => {
    const standIn = await start();
    const fresh = connect(standIn);
    const used = connect(standIn);
    await used.fetchBalance();
    standIn.revokeKey();
    await expect(fresh.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(fresh.last_http_response).toBe('{"code":-2015,"msg":"Invalid API-key, IP, or permissions for action."}');
    // ccxt reads -2015 after a successful private call as a temporary ban.
    await expect(used.fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
  });

  it('rejects a client clock outside recvWindow with -1021 (InvalidNonce) until the time difference is loaded', async () => {
    const standIn = await start({ clockSkewMs: 120_000 });
    const exchange = connect(standIn);
    await expect(exchange.loadMarkets()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    expect(exchange.last_http_response).toContain('outside of the recvWindow');
    const difference = await exchange.loadTimeDifference();
    expect(difference).toBeLessThan(-110_000);
    // A failed loadMarkets stays cached in ccxt: only a reload asks again.
    await expect(exchange.loadMarkets()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    await exchange.loadMarkets(true);
    expect(decimal((await exchange.fetchBalance())['BTC']!.free)).toBe('0.5');
  });

  it('rejects a client clock ahead of the server by a second or more', async () => {
    const standIn = await start({ clockSkewMs: -30_000 });
    const exchange = connect(standIn);
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    expect(exchange.last_http_response).toBe(
      `{"code":-1021,"msg":"Timestamp for this request was 1000ms ahead of the server's time."}`,
    );
  });

  it('answers rateLimitOnce with 429 -1003 and Retry-After (DDoSProtection)', async () => {
    const standIn = await start();
    const exchange = connect(standIn);
    await exchange.loadMarkets();
    standIn.rateLimitOnce(7);
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.DDoSProtection);
    expect(exchange.last_response_headers!['Retry-After']).toBe('7');
    expect(exchange.last_http_response).toContain('"code":-1003');
    expect(decimal((await exchange.fetchBalance())['ETH']!.free)).toBe('2.25');
  });

  it('counts request weight per minute and answers 429 past the limit', async () => {
    const standIn = await start({ weightLimit: 50 });
    const exchange = connect(standIn);
    await exchange.loadMarkets();
    expect(exchange.last_response_headers!['X-Mbx-Used-Weight-1m']).toBe('20');
    let rejected: unknown;
    // account weighs 20: the limit of 50 is passed by the second or third call (the third if a minute turns).
    for (let call = 0; call < 4 && !rejected; call++) await exchange.fetchBalance().catch((e) => (rejected = e));
    expect(rejected).toBeInstanceOf(ccxt.DDoSProtection);
    const retryAfter = Number(exchange.last_response_headers!['Retry-After']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(Number(exchange.last_response_headers!['X-Mbx-Used-Weight-1m'])).toBeGreaterThan(50);
  });
});
