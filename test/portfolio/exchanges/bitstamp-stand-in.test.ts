import { createHmac } from 'node:crypto';
import ccxt, { type Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bitstamp, bitstampExceptions } from '../../../src/portfolio/sources/exchange/exchanges/bitstamp.ts';
import { ccxtExceptions } from '../../../src/portfolio/sources/exchange/ccxt-client.ts';
import { bitstampUserTransactions } from '../../../src/portfolio/sources/exchange/exchanges/bitstamp-history.ts';
import { bitstampFixture } from './support/bitstamp-fixture.ts';
import { startBitstampStandIn, type BitstampStandIn } from './support/bitstamp-stand-in.ts';
import { decimal } from './support/decimals.ts';

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** Real ccxt, as the engine builds it, pointed at the stand-in (no client-side throttling in tests). */
function client(standIn: BitstampStandIn, config: Record<string, unknown> = {}): Exchange {
  const exchange = new ccxt.bitstamp({
    apiKey: standIn.key.api_key,
    secret: standIn.key.secret_key,
    enableRateLimit: false,
    ...(bitstamp.options ? { options: bitstamp.options } : {}),
    ...config,
  });
  exchange.urls['api'] = pointAt(exchange.urls['api'], standIn.url) as typeof exchange.urls.api;
  exchange.number = String as unknown as typeof exchange.number;
  return exchange;
}

const fixture = bitstampFixture();
const since = Math.min(...fixture.deposits.map((d) => d.timestamp)) - 1000;
let standIn: BitstampStandIn;
let exchange: Exchange;

beforeEach(async () => {
  standIn = await startBitstampStandIn({ fixture });
  exchange = client(standIn);
  await exchange.loadMarkets();
});
afterEach(() => standIn.close());

describe('Bitstamp stand-in, read by ccxt', () => {
  it('serves markets and currencies from /api/v2/markets/', () => {
    expect(exchange.market('BTC/USD').id).toBe('btcusd');
    expect(exchange.market('ETH/BTC').id).toBe('ethbtc');
    expect(exchange.currency('USDC').id).toBe('USDC');
    expect(standIn.requests.map((r) => r.path)).toEqual(['/api/v2/markets/']);
  });

  it('answers fetchBalance from account_balances, and signs the answer', async () => {
    const balance = await exchange.fetchBalance();
    expect(decimal(balance['BTC']?.free)).toBe(decimal('0.5'));
    expect(decimal(balance['BTC']?.used)).toBe(decimal('0.1'));
    expect(decimal(balance['BTC']?.total)).toBe(decimal('0.6'));
    expect(decimal(balance['USD']?.total)).toBe(decimal('1234.5'));
    expect(decimal(balance['ETH']?.free)).toBe(decimal('2.25'));
    // X-Server-Auth-Signature: HMAC-SHA256(secret, nonce + timestamp + content type + body), as Bitstamp documents.
    const headers = exchange.last_response_headers as Record<string, string>;
    const sent = exchange.last_request_headers as Record<string, string>;
    const expected = createHmac('sha256', standIn.key.secret_key)
      .update(sent['X-Auth-Nonce']! + sent['X-Auth-Timestamp']! + 'application/json' + exchange.last_http_response)
      .digest('hex');
    expect(headers['x-server-auth-signature'] ?? headers['X-Server-Auth-Signature']).toBe(expected);
  });

  it('parses trades back; one call sees only the newest 1000 rows, offset reaches the rest', async () => {
    const newest = await exchange.fetchMyTrades(undefined, since, bitstamp.pageLimit);
    // 1000 rows, newest first: the 1100 trades and the deposits, rewards and withdrawals among them.
    expect(newest.length).toBeLessThan(fixture.trades.length);
    const all = new Map(newest.map((t) => [t.id, t]));
    for (let offset = 1000; ; offset += 1000) {
      const page = await exchange.fetchMyTrades(undefined, since, 1000, { offset });
      page.forEach((t) => all.set(t.id, t));
      if (page.length === 0) break;
    }
    expect([...all.keys()].sort()).toEqual(fixture.trades.map((t) => t.id).sort());
    for (const expected of fixture.trades) {
      const trade = all.get(expected.id)!;
      expect(trade.order).toBe(expected.orderId);
      expect(trade.symbol).toBe('BTC/USD');
      expect(trade.side).toBe(expected.side);
      expect(trade.timestamp).toBe(expected.timestamp);
      expect(decimal(trade.amount)).toBe(decimal(expected.amount));
      expect(decimal(trade.price)).toBe(decimal(expected.price));
      expect(decimal(trade.cost)).toBe(decimal(expected.cost));
      expect(trade.fee?.currency).toBe('USD');
      expect(decimal(trade.fee?.cost)).toBe(decimal(expected.fee.amount));
    }
  });

  it('has no fetchDeposits; its user_transactions parsing loses the currency of amounts under 1', async () => {
    expect(exchange.has['fetchDeposits']).toBeFalsy();
    await expect(exchange.fetchDeposits(undefined, since, 1000)).rejects.toBeInstanceOf(ccxt.NotSupported);
    const transfers = await exchange.fetchDepositsWithdrawals(undefined, since, 1000, { sort: 'asc' });
    const btcDeposit = transfers.find((t) => t.id === '290000001');
    expect(btcDeposit?.currency).toBeUndefined();
    expect(transfers.find((t) => t.id === '290000002')?.currency).toBe('USD');
  });

  it('parses withdrawal-requests back: ids, currencies, amounts, statuses, addresses, txids', async () => {
    const withdrawals = await exchange.fetchWithdrawals(undefined, since, bitstamp.pageLimit);
    const body = new URLSearchParams(String(exchange.last_request_body));
    // ccxt sends `timedelta` in milliseconds; Bitstamp's unit is seconds (capped at 50 000 000).
    expect(Number(body.get('timedelta'))).toBeGreaterThan(Date.now() - since - 60_000);
    const sorted = [...withdrawals].sort((a, b) => a.timestamp! - b.timestamp!);
    expect(sorted.map((w) => [w.id, w.currency, w.status, w.address, w.txid])).toEqual(
      fixture.withdrawals.map((w) => [w.id, w.asset, w.status, w.address, w.txid]),
    );
    // ccxt reads the request's method code (16 ether, 1 bitcoin) as a user_transactions type:
    // only bitcoin withdrawals come back typed.
    expect(sorted.map((w) => w.type)).toEqual([undefined, 'withdrawal']);
    for (const [i, w] of sorted.entries()) {
      expect(decimal(w.amount)).toBe(decimal(fixture.withdrawals[i]!.amount));
      expect(w.timestamp).toBe(Math.floor(fixture.withdrawals[i]!.timestamp / 1000) * 1000);
      // withdrawal-requests carries no fee.
      expect(w.fee?.cost).toBeUndefined();
    }
  });

  it('reads deposits and staking rewards from user_transactions, paging by offset until older than since', async () => {
    const transactions = await bitstampUserTransactions.fetch(exchange, since, Date.now());
    const calls = standIn.requests.filter((r) => r.path === '/api/v2/user_transactions/');
    expect(calls).toHaveLength(2);
    expect(transactions.map((t) => [t.externalId, t.category, t.timestamp])).toEqual([
      ['user-transactions:290000001', 'deposit', fixture.deposits[0]!.timestamp],
      ['user-transactions:290000002', 'deposit', fixture.deposits[1]!.timestamp],
      ['user-transactions:290000003', 'staking_reward', fixture.rewards[0]!.timestamp],
    ]);
    expect(transactions.map((t) => t.inputs.map((l) => [l.asset.symbol, l.quantity]))).toEqual([
      [['BTC', 75_000_000n]],
      [['USD', 250_000n]],
      [['ETH', 1_234_560_000_000_000n]],
    ]);
    for (const t of transactions) expect(t).toMatchObject({ status: 'confirmed', outputs: [], fees: [] });

    standIn.requests.length = 0;
    // An incremental sync: the first page already reaches past `since`, so one call suffices.
    const recent = await bitstampUserTransactions.fetch(exchange, Date.now() - 1000, Date.now());
    expect(recent).toEqual([]);
    expect(standIn.requests).toHaveLength(1);
  });
});

describe('Bitstamp stand-in faults, as ccxt surfaces them', () => {
  it('a wrong secret: 403 API0005 Invalid signature → AuthenticationError', async () => {
    const wrong = client(standIn, { secret: 'not-the-secret' });
    await expect(wrong.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(wrong.last_http_response).toContain('API0005');
  });

  it('a deleted key: 403 API0008 Authentication failed → AuthenticationError', async () => {
    standIn.revokeKey();
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
    expect(exchange.last_http_response).toContain('API0008');
  });

  it('a clock 200 s behind: 403 API0017 → ExchangeError in ccxt 4.5, InvalidNonce with the proposed mapping', async () => {
    const late = client(standIn);
    late.milliseconds = () => Date.now() - 200_000;
    const error = await late.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.ExchangeError);
    expect(String(error)).toContain('X-Auth-Timestamp header is out of boundaries');
    const mapped = client(standIn, { exceptions: ccxtExceptions(ccxt, bitstampExceptions) });
    mapped.milliseconds = () => Date.now() - 200_000;
    await expect(mapped.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
  });

  it('a nonce used twice: 403 API0004 Invalid nonce → InvalidNonce', async () => {
    exchange.uuid = () => 'a2f0c7b4-5d8e-4f1a-9c3b-7e6d5c4b3a21';
    await exchange.fetchBalance();
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
  });

  it('a key without "User transactions": 403 API0002 No permission found → PermissionDenied', async () => {
    standIn.grants.delete('user-transactions');
    await expect(exchange.fetchMyTrades()).rejects.toBeInstanceOf(ccxt.PermissionDenied);
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('a rate limit: 429 with response_code 400.002, no Retry-After → ExchangeError; RateLimitExceeded with the mapping', async () => {
    standIn.rateLimitOnce(10);
    const error = await exchange.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.ExchangeError);
    expect(String(error)).toContain('400.002');
    expect(Object.keys(exchange.last_response_headers ?? {}).map((h) => h.toLowerCase())).not.toContain('retry-after');
    const mapped = client(standIn, { exceptions: ccxtExceptions(ccxt, bitstampExceptions) });
    standIn.rateLimitOnce(10);
    await expect(mapped.fetchBalance()).rejects.toBeInstanceOf(ccxt.RateLimitExceeded);
    await expect(mapped.fetchBalance()).resolves.toBeDefined();
  });

  it('reports no key permissions: Bitstamp has no endpoint for them', () => {
    expect(bitstamp.permissions).toBeUndefined();
  });
});
