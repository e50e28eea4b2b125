import ccxt, { type Exchange, type Trade } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { okx } from '../../../src/portfolio/sources/exchange/exchanges/okx.ts';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './support/exchange-stand-in.ts';
import { startOkxStandIn } from './support/okx-stand-in.ts';

const T0 = Date.UTC(2025, 0, 6, 12, 0, 0);
const MINUTE = 60_000;

/** 230 BTC/USDT fills a minute apart (more than two pages) and one ETH/BTC sell charged in BTC. */
function fixture(): ExchangeFixture {
  const f = emptyFixture();
  f.balances = [
    { asset: 'BTC', free: '0.5', used: '0.125' },
    { asset: 'USDT', free: '1000.25' },
    { asset: 'ETH', free: '2.5', wallet: 'funding' },
    { asset: 'USDC', free: '10', used: '1.5', wallet: 'funding' },
  ];
  for (let i = 0; i < 230; i++)
    f.trades.push({
      id: `t${1000 + i}`,
      base: 'BTC',
      quote: 'USDT',
      side: i % 2 === 0 ? 'buy' : 'sell',
      amount: '0.001',
      price: '60000.5',
      cost: '60.0005',
      fee: { asset: i % 2 === 0 ? 'BTC' : 'USDT', amount: i % 2 === 0 ? '0.000001' : '0.06' },
      timestamp: T0 + i * MINUTE,
    });
  f.trades.push({
    id: 'eth-sell-1',
    orderId: '317321390244397056',
    base: 'ETH',
    quote: 'BTC',
    side: 'sell',
    amount: '1.25',
    price: '0.0525',
    cost: '0.065625',
    fee: { asset: 'BTC', amount: '0.00006562' },
    timestamp: T0 + 30 * MINUTE + 1,
  });
  f.deposits = [
    {
      id: 'd1',
      asset: 'BTC',
      amount: '0.75',
      network: 'BTC',
      txid: 'btc-tx-1',
      address: 'bc1qdep',
      timestamp: T0 - 3 * MINUTE,
      status: 'ok',
    },
    {
      id: 'd2',
      asset: 'USDT',
      amount: '500',
      network: 'TRC20',
      txid: 'trx-tx-2',
      address: 'TQdep',
      timestamp: T0 - 2 * MINUTE,
      status: 'pending',
    },
  ];
  f.withdrawals = [
    {
      id: 'w1',
      asset: 'ETH',
      amount: '0.4',
      fee: '0.0012',
      network: 'ERC20',
      txid: '0xabc',
      address: '0xdest',
      timestamp: T0 + 500 * MINUTE,
      status: 'ok',
    },
    {
      id: 'w2',
      asset: 'USDT',
      amount: '20',
      fee: '1',
      network: 'TRC20',
      address: 'TQdest',
      timestamp: T0 + 501 * MINUTE,
      status: 'failed',
    },
  ];
  return f;
}

function connect(standIn: ExchangeStandIn, key = standIn.key): Exchange {
  const exchange = new ccxt.okx({
    apiKey: key.api_key,
    secret: key.secret_key,
    password: key.passphrase,
    enableRateLimit: true,
    options: okx.options,
  });
  exchange.urls.api = pointAt(exchange.urls.api, standIn.url) as typeof exchange.urls.api;
  exchange.number = String as unknown as typeof exchange.number;
  return exchange;
}

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** OKX answers newest first: with `since` fixed, step `until` below the oldest row of each full page. */
async function allTrades(exchange: Exchange, since: number): Promise<Trade[]> {
  const trades: Trade[] = [];
  let until: number | undefined;
  for (;;) {
    const page = await exchange.fetchMyTrades(undefined, since, okx.pageLimit, until ? { until } : {});
    trades.push(...page);
    if (page.length < okx.pageLimit) return trades;
    until = page[0]!.timestamp! - 1;
  }
}

describe('OKX stand-in, read through ccxt', () => {
  let standIn: ExchangeStandIn;
  let exchange: Exchange;

  beforeEach(async () => {
    standIn = await startOkxStandIn({ fixture: fixture() });
    exchange = connect(standIn);
  });
  afterEach(() => standIn.close());

  it('loads spot markets and, signed, the currencies with their chains', async () => {
    const markets = await exchange.loadMarkets();
    expect(markets['BTC/USDT']).toMatchObject({ id: 'BTC-USDT', spot: true, base: 'BTC', quote: 'USDT' });
    expect(markets['ETH/BTC']).toMatchObject({ id: 'ETH-BTC', spot: true });
    expect(Object.values(markets).every((m) => m?.spot)).toBe(true);
    expect(Object.keys(exchange.currencies['USDT']!.networks)).toEqual(expect.arrayContaining(['ERC20', 'TRC20']));
    expect(standIn.requests.map((r) => r.path).sort()).toEqual([
      '/api/v5/asset/currencies',
      '/api/v5/public/instruments',
    ]);
  });

  it('reads the trading account and the funding account as exact decimal strings', async () => {
    const trading = await exchange.fetchBalance();
    expect(trading['BTC']).toEqual({ free: '0.5', used: '0.125', total: '0.625' });
    expect(trading['USDT']).toEqual({ free: '1000.25', used: '0', total: '1000.25' });
    expect(trading['ETH']).toBeUndefined();
    const funding = await exchange.fetchBalance(okx.extraWallets![0]);
    expect(funding['ETH']).toEqual({ free: '2.5', used: '0', total: '2.5' });
    expect(funding['USDC']).toEqual({ free: '10', used: '1.5', total: '11.5' });
    expect(funding['BTC']).toBeUndefined();
    expect(standIn.requests.map((r) => r.path)).toContain('/api/v5/asset/balances');
  });

  it('reports a read-only key as such and a key with trade and withdraw rights as such', async () => {
    expect(await okx.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: true };
    expect(await okx.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: true });
    standIn.permissions = { trade: false, withdraw: true };
    expect(await okx.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: true });
  });

  it('parses a fill exactly: side, amount, price, cost, fee sign and currency, order id, time', async () => {
    const trades = await exchange.fetchMyTrades(undefined, T0 + 30 * MINUTE + 1, okx.pageLimit, {
      until: T0 + 30 * MINUTE + 1,
    });
    expect(trades).toHaveLength(1);
    expect(trades[0]).toMatchObject({
      id: 'eth-sell-1',
      order: '317321390244397056',
      symbol: 'ETH/BTC',
      side: 'sell',
      amount: '1.25',
      price: '0.0525',
      cost: '0.065625',
      fee: { cost: '0.00006562', currency: 'BTC' },
      timestamp: T0 + 30 * MINUTE + 1,
      takerOrMaker: 'taker',
    });
  });

  it('answers fills newest first, so paging steps `until` down and gets every fill once', async () => {
    const firstPage = await exchange.fetchMyTrades(undefined, T0, okx.pageLimit);
    // A `since`-only call returns the newest 100 fills, not the 100 after `since`.
    expect(firstPage).toHaveLength(100);
    expect(firstPage[0]!.timestamp).toBe(T0 + 130 * MINUTE);
    const trades = await allTrades(exchange, T0);
    const ids = trades.map((t) => t.id);
    expect(new Set(ids).size).toBe(231);
    expect(ids.length).toBe(231);
    const sinceMid = await allTrades(exchange, T0 + 200 * MINUTE);
    expect(sinceMid.map((t) => t.id).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `t${1200 + i}`).sort());
    const fillsCalls = standIn.requests.filter((r) => r.path === '/api/v5/trade/fills-history');
    expect(fillsCalls.length).toBe(1 + 3 + 1);
  });

  it('parses deposits and withdrawals: amounts, fees, statuses, txids, networks, addresses', async () => {
    const deposits = await exchange.fetchDeposits(undefined, T0 - 10 * MINUTE, okx.pageLimit, { until: T0 });
    expect(deposits.map((d) => [d.id, d.currency, d.amount, d.status, d.txid, d.network, d.address])).toEqual([
      ['d1', 'BTC', '0.75', 'ok', 'btc-tx-1', 'BTC', 'bc1qdep'],
      ['d2', 'USDT', '500', 'pending', 'trx-tx-2', 'TRC20', 'TQdep'],
    ]);
    expect(deposits[0]!.timestamp).toBe(T0 - 3 * MINUTE);
    const withdrawals = await exchange.fetchWithdrawals(undefined, T0, okx.pageLimit, { until: T0 + 1000 * MINUTE });
    expect(
      withdrawals.map((w) => [w.id, w.currency, w.amount, w.fee?.cost, w.status, w.txid, w.network, w.address]),
    ).toEqual([
      // ccxt names ETH's own chain (OKX `ETH-ERC20`) by the native code.
      ['w1', 'ETH', '0.4', '0.0012', 'ok', '0xabc', 'ETH', '0xdest'],
      ['w2', 'USDT', '20', '1', 'failed', undefined, 'TRC20', 'TQdest'],
    ]);
    // `since` is exclusive-by-one (`before` = since - 1) and `until` maps to the exclusive `after`.
    expect(await exchange.fetchWithdrawals(undefined, T0 + 500 * MINUTE + 1, okx.pageLimit)).toHaveLength(1);
    expect(await exchange.fetchWithdrawals(undefined, T0, okx.pageLimit, { until: T0 + 500 * MINUTE })).toHaveLength(0);
  });

  it('refuses a wrong signature, a wrong passphrase and a deleted key as OKX does (401 → AuthenticationError)', async () => {
    const forged = connect(standIn, { ...standIn.key, secret_key: 'not-the-secret' });
    await expect(forged.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(forged.last_http_response).toContain('"code":"50113"');
    const wrongPassphrase = connect(standIn, { ...standIn.key, passphrase: 'wrong' });
    await expect(wrongPassphrase.fetchBalance()).rejects.toThrow(ccxt.AuthenticationError);
    expect(wrongPassphrase.last_http_response).toContain('"code":"50105"');
    await exchange.loadMarkets();
    standIn.revokeKey();
    const error = await exchange.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.AuthenticationError);
    expect(exchange.last_http_response).toContain('Invalid OK-ACCESS-KEY');
  });

  it('refuses a timestamp more than 30 s off with 50102 (InvalidNonce)', async () => {
    await exchange.loadMarkets();
    exchange.options['timeDifference'] = 45_000;
    await expect(exchange.fetchBalance()).rejects.toThrow(ccxt.InvalidNonce);
    expect(exchange.last_http_response).toContain('"code":"50102"');
    exchange.options['timeDifference'] = 20_000;
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('answers a rate limit with 429, code 50011 and Retry-After (RateLimitExceeded), then serves again', async () => {
    await exchange.loadMarkets();
    standIn.rateLimitOnce(7);
    await expect(exchange.fetchBalance()).rejects.toThrow(ccxt.RateLimitExceeded);
    expect(exchange.last_response_headers?.['Retry-After'] ?? exchange.last_response_headers?.['retry-after']).toBe(
      '7',
    );
    expect(exchange.last_http_response).toContain('"code":"50011"');
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });
});

describe('OKX extra histories, read through ccxt', () => {
  let standIn: ExchangeStandIn;
  afterEach(() => standIn.close());

  it('reads staking rewards and Simple Earn interest, skipping the other funding bills, across pages', async () => {
    const f = fixture();
    for (let i = 0; i < 150; i++)
      f.rewards.push({ id: `s${i}`, asset: 'ETH', amount: '0.0001', kind: 'staking', timestamp: T0 + i * MINUTE });
    f.rewards.push({ id: 'i1', asset: 'USDT', amount: '0.0123456789', kind: 'interest', timestamp: T0 + 5 * MINUTE });
    f.conversions.push({
      id: 'c1',
      from: { asset: 'USDT', amount: '30' },
      to: { asset: 'ETH', amount: '0.01' },
      timestamp: T0 + 2 * MINUTE,
    });
    standIn = await startOkxStandIn({ fixture: f });
    const exchange = connect(standIn);
    const [staking, savings] = okx.extraHistories!;
    const stakes = await staking!.fetch(exchange, T0, T0 + 1000 * MINUTE);
    expect(stakes).toHaveLength(150);
    expect(new Set(stakes.map((t) => t.externalId)).size).toBe(150);
    expect(stakes.find((t) => t.externalId === 'earn-bills:s7')).toMatchObject({
      timestamp: T0 + 7 * MINUTE,
      status: 'confirmed',
      category: 'staking_reward',
      categorizationSource: 'provider',
      inputs: [{ asset: { symbol: 'ETH', namespace: 'exchange:okx' }, quantity: 100_000_000_000_000n }],
      outputs: [],
      fees: [],
    });
    expect(await staking!.fetch(exchange, T0 + 140 * MINUTE, T0 + 1000 * MINUTE)).toHaveLength(10);
    const interest = await savings!.fetch(exchange, T0, T0 + 1000 * MINUTE);
    // USDT has 6 decimals here: the payout's dust below 1e-6 is dropped.
    expect(interest).toEqual([
      {
        externalId: `savings-interest:USDT:${T0 + 5 * MINUTE}`,
        timestamp: T0 + 5 * MINUTE,
        status: 'confirmed',
        category: 'interest',
        categorizationSource: 'provider',
        inputs: [{ asset: expect.objectContaining({ symbol: 'USDT' }), quantity: 12_345n }],
        outputs: [],
        fees: [],
      },
    ]);
  });

  it('reads a Convert as a trade: what was given out, what came in', async () => {
    const f = emptyFixture();
    f.conversions.push(
      { id: 'c1', from: { asset: 'USDT', amount: '30' }, to: { asset: 'ETH', amount: '0.01' }, timestamp: T0 },
      { id: 'c2', from: { asset: 'ETH', amount: '0.5' }, to: { asset: 'USDC', amount: '1500.5' }, timestamp: T0 + 1 },
    );
    standIn = await startOkxStandIn({ fixture: f });
    const convert = okx.extraHistories!.find((h) => h.name === 'convert')!;
    const txs = await convert.fetch(connect(standIn), T0, T0 + MINUTE);
    const legs = txs.map((t) => ({
      id: t.externalId,
      category: t.category,
      in: t.inputs.map((l) => [l.asset.symbol, l.quantity]),
      out: t.outputs.map((l) => [l.asset.symbol, l.quantity]),
    }));
    expect(legs).toEqual([
      { id: 'convert:c2', category: 'trade', in: [['USDC', 1_500_500_000n]], out: [['ETH', 500_000_000_000_000_000n]] },
      { id: 'convert:c1', category: 'trade', in: [['ETH', 10_000_000_000_000_000n]], out: [['USDT', 30_000_000n]] },
    ]);
    expect(await convert.fetch(connect(standIn), T0 + 2, T0 + MINUTE)).toEqual([]);
  });
});
