import ccxt, { type Exchange, type Trade, type Transaction } from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  convertTransaction,
  yieldTransaction,
} from '../../../src/portfolio/sources/exchange/exchanges/bybit-histories.ts';
import { bybit } from '../../../src/portfolio/sources/exchange/exchanges/bybit.ts';
import { startBybitStandIn, type BybitStandIn } from './support/bybit-stand-in.ts';
import { ccxtAt, readPaged } from './support/ccxt-at-stand-in.ts';
import { emptyFixture, type ExchangeFixture } from './support/exchange-stand-in.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 2, 1);

/** 230 BTC/USDT fills over six days (more than two of Bybit's 100-row pages) and one ETH/BTC fill. */
function fixture(): ExchangeFixture {
  const f = emptyFixture();
  f.balances = [
    { asset: 'BTC', free: '0.5', used: '0.1' },
    { asset: 'USDT', free: '1500.25' },
    { asset: 'ETH', free: '2', wallet: 'funding' },
    { asset: 'USDC', free: '100.5', used: '0.5', wallet: 'funding' },
  ];
  for (let i = 0; i < 230; i++) {
    const buy = i % 2 === 0;
    f.trades.push({
      id: `exec-${String(i).padStart(3, '0')}`,
      orderId: `order-${i}`,
      base: 'BTC',
      quote: 'USDT',
      side: buy ? 'buy' : 'sell',
      amount: '0.002',
      price: '60000.5',
      cost: '120.001',
      // Bybit takes a spot fee from what the fill pays out: base on a buy, quote on a sell.
      fee: buy ? { asset: 'BTC', amount: '0.000002' } : { asset: 'USDT', amount: '0.120001' },
      timestamp: T0 + i * 37 * 60_000,
    });
  }
  f.trades.push({
    id: 'exec-ethbtc',
    base: 'ETH',
    quote: 'BTC',
    side: 'sell',
    amount: '1.5',
    price: '0.05',
    cost: '0.075',
    fee: { asset: 'BTC', amount: '0.000075' },
    timestamp: T0 + 5 * DAY,
  });
  for (let i = 0; i < 120; i++)
    f.deposits.push({
      id: `dep-${i}`,
      asset: 'USDT',
      amount: `${100 + i}.5`,
      network: 'ETH',
      txid: `0x${i.toString(16).padStart(64, '0')}`,
      address: '0x59b5c6a3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7',
      timestamp: T0 + i * 5 * 3_600_000,
      status: i === 119 ? 'pending' : 'ok',
    });
  f.withdrawals = [
    {
      id: 'wd-1',
      asset: 'BTC',
      amount: '0.25',
      fee: '0.0002',
      network: 'BTC',
      txid: 'f1e2d3c4b5a69788',
      address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
      timestamp: T0 + 2 * DAY,
      status: 'ok',
    },
    { id: 'wd-2', asset: 'USDT', amount: '50', fee: '1', network: 'TRX', timestamp: T0 + 3 * DAY, status: 'failed' },
  ];
  f.rewards = [
    { id: '1002096', asset: 'USDT', amount: '0.0608', kind: 'interest', timestamp: T0 + DAY },
    { id: '1002097', asset: 'USDT', amount: '0.0611', kind: 'interest', timestamp: T0 + 2 * DAY },
    { id: '88001', asset: 'ETH', amount: '0.00031', kind: 'staking', timestamp: T0 + 3 * DAY },
  ];
  f.conversions = [
    {
      id: '10100108106409343501030232064',
      from: { asset: 'ETH', amount: '0.1' },
      to: { asset: 'USDT', amount: '321.5' },
      timestamp: T0 + 4 * DAY,
    },
  ];
  return f;
}

/** Bybit's code in the last answer (ccxt keeps the raw body of a failed call, not its JSON). */
const retCode = (exchange: Exchange): number =>
  (JSON.parse(exchange.last_http_response ?? '{}') as { retCode: number }).retCode;

let standIn: BybitStandIn;
let exchange: Exchange;

beforeAll(async () => {
  standIn = await startBybitStandIn({ fixture: fixture() });
});
afterAll(() => standIn.close());
beforeEach(() => {
  exchange = ccxtAt(bybit, standIn);
});

describe('bybit stand-in, read by real ccxt', () => {
  it('loads spot markets only, and currencies through the signed coin-info call', async () => {
    const before = standIn.requests.length;
    const markets = await exchange.loadMarkets();
    expect(Object.keys(markets).sort()).toEqual(['BTC/USDT', 'ETH/BTC', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT']);
    expect(markets['BTC/USDT']).toMatchObject({ id: 'BTCUSDT', spot: true, base: 'BTC', quote: 'USDT' });
    expect(Object.keys(exchange.currencies['USDT']?.networks ?? {}).sort()).toEqual(['ERC20', 'TRC20']);
    const paths = standIn.requests.slice(before).map((r) => r.path);
    expect(paths.sort()).toEqual(['/v5/asset/coin/query-info', '/v5/market/instruments-info']);
  });

  it('reads the unified wallet and the funding wallet', async () => {
    const unified = await exchange.fetchBalance();
    expect(unified['BTC']).toMatchObject({ free: '0.5', used: '0.1', total: '0.6' });
    expect(unified['USDT']).toMatchObject({ free: '1500.25', used: '0', total: '1500.25' });
    expect(unified['ETH']).toBeUndefined();
    const funding = await exchange.fetchBalance(...(bybit.extraWallets as [Record<string, unknown>]));
    expect(funding['ETH']).toMatchObject({ free: '2', used: '0', total: '2' });
    expect(funding['USDC']).toMatchObject({ free: '100.5', used: '0.5', total: '101' });
    expect(funding['BTC']).toBeUndefined();
  });

  it('reports a read-only key as such, and trading or withdrawal keys as what they are', async () => {
    expect(await bybit.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: false };
    expect(await bybit.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: false });
    standIn.permissions = { trade: false, withdraw: true };
    expect(await bybit.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: true });
    standIn.permissions = { trade: false, withdraw: false };
  });

  it("walks Bybit's newest-first trade pages by cursor and returns every fill once", async () => {
    const until = T0 + 7 * DAY - 1;
    const before = standIn.requests.length;
    const { items, calls } = await readPaged<Trade>(
      (since) => exchange.fetchMyTrades(undefined, since, bybit.pageLimit, { until, ...bybit.historyParams }),
      T0,
      bybit.pageLimit,
    );
    expect(calls).toBe(1);
    // Three pages of at most 100, then the empty page that ends Bybit's cursor.
    expect(standIn.requests.slice(before).filter((r) => r.path === '/v5/execution/list')).toHaveLength(4);
    expect(items).toHaveLength(231);
    expect(new Set(items.map((t) => t.id)).size).toBe(231);
    // Engine-sized pages smaller than the window still meet every fill exactly once.
    const small = await readPaged<Trade>(
      (since) => exchange.fetchMyTrades(undefined, since, 50, { until, ...bybit.historyParams }),
      T0,
      50,
    );
    expect(small.calls).toBe(5);
    expect(small.items.map((t) => t.id).sort()).toEqual(items.map((t) => t.id).sort());
    const buy = items.find((t) => t.id === 'exec-000')!;
    expect(buy).toMatchObject({
      symbol: 'BTC/USDT',
      order: 'order-0',
      side: 'buy',
      amount: '0.002',
      price: '60000.5',
      cost: '120.001',
      timestamp: T0,
      takerOrMaker: 'taker',
    });
    expect(buy.fee).toMatchObject({ cost: '0.000002', currency: 'BTC' });
    const sell = items.find((t) => t.id === 'exec-001')!;
    expect(sell).toMatchObject({ side: 'sell', timestamp: T0 + 37 * 60_000 });
    expect(sell.fee).toMatchObject({ cost: '0.120001', currency: 'USDT' });
    const cross = items.find((t) => t.id === 'exec-ethbtc')!;
    expect(cross).toMatchObject({ symbol: 'ETH/BTC', side: 'sell', amount: '1.5', cost: '0.075' });
    expect(cross.fee).toMatchObject({ cost: '0.000075', currency: 'BTC' });
  });

  it('refuses a trades window longer than Bybit allows (7 days)', async () => {
    await expect(
      exchange.fetchMyTrades(undefined, T0, bybit.pageLimit, { until: T0 + 8 * DAY, ...bybit.historyParams }),
    ).rejects.toBeInstanceOf(ccxt.BadRequest);
    expect(bybit.tradeWindowMs).toBe(7 * DAY);
  });

  it('pages deposits within a 30-day window and parses amounts, txids, networks and statuses', async () => {
    const until = T0 + bybit.transferWindowMs! - 1;
    const { items } = await readPaged<Transaction>(
      (since) => exchange.fetchDeposits(undefined, since, bybit.pageLimit, { until, ...bybit.historyParams }),
      T0,
      bybit.pageLimit,
    );
    items.sort((a, b) => a.timestamp! - b.timestamp!);
    expect(items.map((d) => d.id)).toEqual(Array.from({ length: 120 }, (_, i) => `dep-${i}`));
    expect(items[7]).toMatchObject({
      type: 'deposit',
      currency: 'USDT',
      amount: '107.5',
      txid: `0x${(7).toString(16).padStart(64, '0')}`,
      network: 'ERC20',
      addressTo: '0x59b5c6a3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7',
      timestamp: T0 + 35 * 3_600_000,
      status: 'ok',
    });
    expect(items[119]!.status).toBe('pending');
  });

  it('reads withdrawals with their fee, network and status', async () => {
    const withdrawals = await exchange.fetchWithdrawals(undefined, T0, bybit.pageLimit, {
      until: T0 + 30 * DAY - 1,
      ...bybit.historyParams,
    });
    expect(withdrawals.map((w) => w.id)).toEqual(['wd-2', 'wd-1']);
    expect(withdrawals[1]).toMatchObject({
      id: 'wd-1',
      type: 'withdrawal',
      currency: 'BTC',
      amount: '0.25',
      fee: { cost: '0.0002', currency: 'BTC' },
      network: 'BTC',
      txid: 'f1e2d3c4b5a69788',
      addressTo: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
      timestamp: T0 + 2 * DAY,
      status: 'ok',
    });
    expect(withdrawals[0]).toMatchObject({ id: 'wd-2', status: 'failed', network: 'TRC20', txid: undefined });
  });

  it('reads Earn yields and Convert trades as provider-categorised transactions', async () => {
    const [flexible, onchain, convert] = bybit.extraHistories!;
    const read = (history: typeof flexible) => history!.fetch(exchange, T0, T0 + 7 * DAY - 1);
    const interest = await read(flexible);
    expect(interest.map((t) => [t.externalId, t.category, t.inputs[0]!.quantity, t.timestamp])).toEqual([
      ['earn-flexible:1002097', 'interest', 61_100n, T0 + 2 * DAY],
      ['earn-flexible:1002096', 'interest', 60_800n, T0 + DAY],
    ]);
    expect(interest[0]).toMatchObject({ status: 'confirmed', categorizationSource: 'provider', outputs: [], fees: [] });
    expect(interest[0]!.inputs[0]!.asset).toMatchObject({ namespace: 'exchange:bybit', symbol: 'USDT' });
    const staking = await read(onchain);
    expect(staking).toHaveLength(1);
    expect(staking[0]).toMatchObject({ externalId: 'earn-onchain:88001', category: 'staking_reward' });
    expect(staking[0]!.inputs[0]!.quantity).toBe(310_000_000_000_000n);
    const converted = await read(convert);
    expect(converted).toHaveLength(1);
    expect(converted[0]).toMatchObject({ externalId: 'convert:10100108106409343501030232064', category: 'trade' });
    expect(converted[0]!.outputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['ETH', 100_000_000_000_000_000n]]);
    expect(converted[0]!.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['USDT', 321_500_000n]]);
    expect(await convert!.fetch(exchange, T0 + 5 * DAY, T0 + 6 * DAY)).toEqual([]);
  });
});

describe('bybit stand-in faults, as ccxt sees them', () => {
  it('rejects a wrong secret with 10004 (AuthenticationError)', async () => {
    const wrong = ccxtAt(bybit, standIn, { api_key: standIn.key.api_key, secret_key: 'not-the-secret' });
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(retCode(wrong)).toBe(10004);
  });

  it('rejects a timestamp outside the recv window with 10002 (InvalidNonce)', async () => {
    await exchange.loadMarkets();
    exchange.options['timeDifference'] = 60_000;
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    expect(retCode(exchange)).toBe(10002);
  });

  it('answers a missing permission with 10005 (PermissionDenied)', async () => {
    await exchange.loadMarkets();
    standIn.denyPermission('/v5/asset/transfer/query-account-coins-balance');
    await expect(exchange.fetchBalance({ type: 'funding' })).rejects.toBeInstanceOf(ccxt.PermissionDenied);
    expect(retCode(exchange)).toBe(10005);
  });

  it('answers a rate limit with 10006 and the reset time in X-Bapi-Limit-Reset-Timestamp', async () => {
    await exchange.loadMarkets();
    const before = Date.now();
    standIn.rateLimitOnce(7);
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    const headers = exchange.last_response_headers as Record<string, string>;
    const reset = Number(headers['x-bapi-limit-reset-timestamp'] ?? headers['X-Bapi-Limit-Reset-Timestamp']);
    expect(reset).toBeGreaterThanOrEqual(before + 7000);
    expect(reset).toBeLessThan(Date.now() + 7000 + 1);
    await expect(exchange.fetchBalance()).resolves.toHaveProperty('BTC');
    // The definition's history params stop ccxt's paginator from retrying the error away.
    standIn.rateLimitOnce(1);
    await expect(
      exchange.fetchMyTrades(undefined, T0, bybit.pageLimit, { until: T0 + DAY, ...bybit.historyParams }),
    ).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
  });

  it('answers a deleted key with 10003 (AuthenticationError), even while loading markets', async () => {
    standIn.revokeKey();
    await expect(exchange.loadMarkets()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(retCode(exchange)).toBe(10003);
  });
});

describe('bybit extra-history rows', () => {
  it('keeps pending yields as pending and drops failed ones', () => {
    const row = { id: '7', coin: 'USDT', amount: '0.5', createdAt: '1740787200000' };
    expect(yieldTransaction('FlexibleSaving', { ...row, status: 'Pending' })).toMatchObject({
      externalId: 'earn-flexible:7',
      status: 'pending',
      category: 'interest',
    });
    expect(yieldTransaction('FlexibleSaving', { ...row, status: 'Fail' })).toBeUndefined();
    expect(yieldTransaction('OnChain', { ...row, status: 'Success', amount: '0' })).toBeUndefined();
  });

  it('drops failed conversions and keeps in-flight ones pending', () => {
    const row = {
      exchangeTxId: 'x1',
      fromCoin: 'ETH',
      fromAmount: '1',
      toCoin: 'BTC',
      toAmount: '0.05',
      createdAt: '1',
    };
    expect(convertTransaction({ ...row, exchangeStatus: 'failure' })).toBeUndefined();
    expect(convertTransaction({ ...row, exchangeStatus: 'processing' })).toMatchObject({ status: 'pending' });
  });
});
