import ccxt, { type Exchange, type Trade, type Transaction } from 'ccxt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { gemini } from '../../../src/portfolio/sources/exchange/exchanges/gemini.ts';
import { ccxtAt, readPaged } from './support/ccxt-at-stand-in.ts';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './support/exchange-stand-in.ts';
import { startGeminiStandIn } from './support/gemini-stand-in.ts';

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 4, 1);

/** 120 BTC/USD fills 400 ms apart (so pages end inside a second), one ETH/BTC fill, 70 transfers. */
function fixture(): ExchangeFixture {
  const f = emptyFixture();
  f.balances = [
    { asset: 'BTC', free: '1.25', used: '0.25' },
    { asset: 'USD', free: '5000.75' },
  ];
  for (let i = 0; i < 120; i++)
    f.trades.push({
      id: String(73621746000 + i),
      orderId: String(73621745000 + i),
      base: 'BTC',
      quote: 'USD',
      side: i % 3 === 0 ? 'sell' : 'buy',
      amount: '0.002',
      price: '60000.5',
      cost: '120.001',
      fee: { asset: 'USD', amount: '0.3' },
      timestamp: T0 + i * 400,
    });
  f.trades.push({
    id: '73621799999',
    base: 'ETH',
    quote: 'BTC',
    side: 'buy',
    amount: '1.5',
    price: '0.05',
    cost: '0.075',
    fee: { asset: 'BTC', amount: '0.0001' },
    timestamp: T0 + DAY,
  });
  for (let i = 0; i < 60; i++)
    f.deposits.push({
      id: String(3200000 + i),
      asset: 'ETH',
      amount: `${i + 1}.5`,
      txid: `0x${i.toString(16).padStart(64, 'a')}`,
      address: '0x0f9d8c7b6a5e4d3c2b1a0f9e8d7c6b5a4e3d2c1b',
      timestamp: T0 + i * 3_600_000,
      status: i === 59 ? 'pending' : 'ok',
    });
  for (let i = 0; i < 10; i++)
    f.withdrawals.push({
      id: String(4100000 + i),
      asset: 'BTC',
      amount: '0.1',
      fee: '0.0001',
      txid: `tx${i}`,
      address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      timestamp: T0 + i * 3_600_000 + 1_800_000,
      status: i === 9 ? 'failed' : 'ok',
    });
  return f;
}

/** Gemini's `reason` in the last answer (ccxt keeps the raw body of a failed call, not its JSON). */
const lastReason = (exchange: Exchange): string =>
  (JSON.parse(exchange.last_http_response ?? '{}') as { reason: string }).reason;

/** Pages a Gemini history the way its documentation says to: until an empty page. */
async function readUntilEmpty<T extends { timestamp?: number | undefined }>(
  call: (since: number) => Promise<T[]>,
  since: number,
): Promise<T[]> {
  const items: T[] = [];
  for (;;) {
    const page = await call(since);
    if (page.length === 0) return items;
    items.push(...page);
    since = Math.max(...page.map((item) => item.timestamp!)) + 1;
  }
}

let standIn: ExchangeStandIn;
let exchange: Exchange;

beforeAll(async () => {
  standIn = await startGeminiStandIn({ fixture: fixture() });
});
afterAll(() => standIn.close());
beforeEach(() => {
  exchange = ccxtAt(gemini, standIn);
});

describe('gemini stand-in, read by real ccxt', () => {
  it('loads markets from /v1/symbols alone', async () => {
    const before = standIn.requests.length;
    const markets = await exchange.loadMarkets();
    expect(standIn.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual(['GET /v1/symbols']);
    expect(markets['BTC/USD']).toMatchObject({ id: 'btcusd', base: 'BTC', quote: 'USD', spot: true });
    expect(markets['ETH/BTC']).toMatchObject({ id: 'ethbtc', base: 'ETH', quote: 'BTC' });
    expect(markets['PAXG/USD']).toMatchObject({ id: 'paxgusd' });
  });

  it('reads the exchange balances', async () => {
    const balance = await exchange.fetchBalance();
    expect(balance['BTC']).toMatchObject({ free: '1.25', used: '0.25', total: '1.5' });
    expect(balance['USD']).toMatchObject({ free: '5000.75', used: '0', total: '5000.75' });
  });

  it('reports Auditor keys as read-only, Trader and Fund Manager keys as what they are', async () => {
    expect(await gemini.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: false };
    expect(await gemini.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: false });
    standIn.permissions = { trade: false, withdraw: true };
    expect(await gemini.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: true });
    standIn.permissions = { trade: false, withdraw: false };
  });

  it('needs a symbol for trades', async () => {
    expect(gemini.tradesPerMarket).toBe(true);
    await expect(exchange.fetchMyTrades(undefined, T0, gemini.pageLimit)).rejects.toBeInstanceOf(
      ccxt.ArgumentsRequired,
    );
  });

  it('reads every fill of a market once when paging until an empty page', async () => {
    const trades = await readUntilEmpty<Trade>(
      (since) => exchange.fetchMyTrades('BTC/USD', since, gemini.pageLimit),
      T0,
    );
    expect(trades.map((t) => t.id)).toEqual(Array.from({ length: 120 }, (_, i) => String(73621746000 + i)));
    expect(trades[0]).toMatchObject({
      symbol: 'BTC/USD',
      order: '73621745000',
      side: 'sell',
      amount: '0.002',
      price: '60000.5',
      cost: '120.001',
      fee: { cost: '0.3', currency: 'USD' },
      timestamp: T0,
    });
    expect(trades[1]).toMatchObject({ side: 'buy', timestamp: T0 + 400 });
    const [cross] = await exchange.fetchMyTrades('ETH/BTC', T0, gemini.pageLimit);
    expect(cross).toMatchObject({ id: '73621799999', side: 'buy', fee: { cost: '0.0001', currency: 'BTC' } });
  });

  it('shows why a short page does not end a Gemini history: ccxt sends `since` in whole seconds', async () => {
    // Page 2 starts at the second of page 1's last fill; ccxt drops the fills it already
    // returned, so page 2 comes back short although 22 fills remain.
    const { items, calls } = await readPaged<Trade>(
      (since) => exchange.fetchMyTrades('BTC/USD', since, gemini.pageLimit),
      T0,
      gemini.pageLimit,
    );
    expect(calls).toBe(2);
    expect(items).toHaveLength(98);
  });

  it('reads deposits and withdrawals together from /v1/transfers', async () => {
    expect(exchange.has['fetchDeposits']).toBeFalsy();
    expect(exchange.has['fetchDepositsWithdrawals']).toBe(true);
    const all = await readUntilEmpty<Transaction>(
      (since) => exchange.fetchDepositsWithdrawals(undefined, since, gemini.pageLimit),
      T0,
    );
    const deposits = all.filter((t) => t.type === 'deposit');
    const withdrawals = all.filter((t) => t.type === 'withdrawal');
    expect(deposits).toHaveLength(60);
    expect(withdrawals).toHaveLength(10);
    expect(new Set(all.map((t) => t.id)).size).toBe(70);
    expect(deposits.find((d) => d.id === '3200007')).toMatchObject({
      currency: 'ETH',
      amount: '8.5',
      txid: `0x${(7).toString(16).padStart(64, 'a')}`,
      address: '0x0f9d8c7b6a5e4d3c2b1a0f9e8d7c6b5a4e3d2c1b',
      timestamp: T0 + 7 * 3_600_000,
      status: 'ok',
      fee: undefined,
      network: undefined,
    });
    expect(deposits.find((d) => d.id === '3200059')!.status).toBe('Pending');
    expect(withdrawals.find((w) => w.id === '4100000')).toMatchObject({
      currency: 'BTC',
      amount: '0.1',
      fee: { cost: '0.0001', currency: 'BTC' },
      txid: 'tx0',
      address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
      status: 'ok',
      timestamp: T0 + 1_800_000,
    });
    expect(withdrawals.find((w) => w.id === '4100009')!.status).toBe('Cancelled');
  });
});

describe('gemini stand-in faults, as ccxt sees them', () => {
  it('rejects a wrong secret with InvalidSignature (AuthenticationError)', async () => {
    const wrong = ccxtAt(gemini, standIn, { api_key: standIn.key.api_key, secret_key: 'wrong' });
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(lastReason(wrong)).toBe('InvalidSignature');
  });

  it('rejects a nonce that did not grow with InvalidNonce', async () => {
    await exchange.fetchBalance();
    // Seconds are smaller than the milliseconds the key has already seen.
    const seconds = ccxtAt(gemini, standIn);
    seconds.options['nonce'] = 'seconds';
    await expect(seconds.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
    expect(lastReason(seconds)).toBe('InvalidNonce');
  });

  it('answers a key without the needed role with 403 MissingRole (ccxt: AuthenticationError)', async () => {
    standIn.permissions = { trade: false, withdraw: true };
    try {
      await expect(exchange.fetchMyTrades('BTC/USD', T0, gemini.pageLimit)).rejects.toBeInstanceOf(
        ccxt.AuthenticationError,
      );
      expect(lastReason(exchange)).toBe('MissingRole');
    } finally {
      standIn.permissions = { trade: false, withdraw: false };
    }
  });

  it('answers a rate limit with 429 RateLimit (RateLimitExceeded), without Retry-After', async () => {
    await exchange.loadMarkets();
    standIn.rateLimitOnce(5);
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    expect(lastReason(exchange)).toBe('RateLimit');
    const headers = Object.keys(exchange.last_response_headers ?? {}).map((h) => h.toLowerCase());
    expect(headers).not.toContain('retry-after');
    await expect(exchange.fetchBalance()).resolves.toHaveProperty('BTC');
  });

  it('answers a deleted key with InvalidApiKey (AuthenticationError)', async () => {
    standIn.revokeKey();
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(lastReason(exchange)).toBe('InvalidApiKey');
  });
});
