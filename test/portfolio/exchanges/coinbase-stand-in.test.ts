import { AuthenticationError, PermissionDenied, RateLimitExceeded, ArgumentsRequired, type Exchange } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coinbase } from '../../../src/portfolio/sources/exchange/exchanges/coinbase.ts';
import { coinbaseAccountId } from './support/coinbase-currencies.ts';
import { coinbaseExchange } from './support/coinbase-ccxt.ts';
import { coinbaseFixture, DAY, HOUR, T0 } from './support/coinbase-fixture.ts';
import { createCdpKey } from './support/coinbase-jwt.ts';
import { startCoinbaseStandIn, type CoinbaseStandIn } from './support/coinbase-stand-in.ts';

let standIn: CoinbaseStandIn;
let exchange: Exchange;

/** ccxt's implicit v2 method, for faults on the v2 API itself. */
const v2Accounts = (e: Exchange): Promise<Record<string, unknown>> =>
  (e as unknown as { v2PrivateGetAccounts(p: object): Promise<Record<string, unknown>> }).v2PrivateGetAccounts({});

beforeEach(async () => {
  standIn = await startCoinbaseStandIn({ fixture: coinbaseFixture() });
  exchange = coinbaseExchange(standIn.url, standIn.key);
});
afterEach(() => standIn.close());

describe('coinbase stand-in through ccxt', () => {
  it('serves loadMarkets from v3 products, v2 currencies and the fee tier', async () => {
    await exchange.loadMarkets();
    expect(exchange.symbols).toEqual(expect.arrayContaining(['BTC/USD', 'ETH/USD', 'ETH/BTC', 'SOL/USD', 'BTC/EUR']));
    expect(exchange.markets!['ETH/BTC']).toMatchObject({
      id: 'ETH-BTC',
      base: 'ETH',
      quote: 'BTC',
      spot: true,
      active: true,
    });
    expect(exchange.currencies['BTC']).toMatchObject({ id: 'BTC', type: 'crypto' });
    expect(exchange.currencies['USD']).toMatchObject({ id: 'USD', type: 'fiat' });
    const paths = standIn.requests.map((r) => r.path);
    expect(paths).toContain('/api/v3/brokerage/transaction_summary');
    expect(paths).toEqual(expect.arrayContaining(['/v2/currencies', '/v2/currencies/crypto', '/v2/exchange-rates']));
  });

  it('reads balances from the v3 accounts: available is free, hold is used', async () => {
    const balance = await exchange.fetchBalance();
    expect(balance['BTC']).toEqual({ free: '0.5', used: '0.1', total: '0.6' });
    expect(balance['ETH']).toEqual({ free: '2.25', used: '0', total: '2.25' });
    expect(balance['USD']).toEqual({ free: '1000.5', used: '0', total: '1000.5' });
    expect(
      standIn.requests
        .filter((r) => r.path === '/api/v3/brokerage/accounts')
        .at(-1)!
        .query.get('limit'),
    ).toBe('250');
  });

  it("reports the key's permissions from key_permissions", async () => {
    expect(await coinbase.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
    standIn.permissions = { trade: true, withdraw: true };
    expect(await coinbase.permissions!(exchange)).toEqual({ canTrade: true, canWithdraw: true });
  });

  it('parses every fill exactly (commission in the quote currency)', async () => {
    const trades = await exchange.fetchMyTrades(undefined, 0, 100, coinbase.historyParams);
    trades.sort((a, b) => a.timestamp! - b.timestamp!);
    expect(trades.map((t) => [t.id, t.order, t.timestamp, t.symbol, t.side, t.price, t.amount, t.cost, t.fee])).toEqual(
      [
        ['t1', 'o-t1', T0 + HOUR, 'BTC/USD', 'buy', '50000', '0.01', '500', { cost: '3', currency: 'USD' }],
        ['t2', 'o-t2', T0 + 2 * HOUR, 'ETH/USD', 'sell', '3000', '0.5', '1500', { cost: '9', currency: 'USD' }],
        ['t3', 'o-t3', T0 + 3 * HOUR, 'ETH/BTC', 'buy', '0.05', '1', '0.05', { cost: '0.0003', currency: 'BTC' }],
        ['t4', 'o-t4', T0 + 4 * HOUR, 'BTC/USD', 'sell', '52000', '0.002', '104', { cost: '0.624', currency: 'USD' }],
        ['t5', 'o-t5', T0 + 5 * HOUR, 'SOL/USD', 'buy', '150', '10', '1500', { cost: '9', currency: 'USD' }],
      ],
    );
  });

  it('answers fills newest first, so `since` alone returns the newest page', async () => {
    const page = await exchange.fetchMyTrades(undefined, T0, 2);
    expect(page.map((t) => t.id)).toEqual(['t4', 't5']);
    const query = standIn.requests.at(-1)!.query;
    expect(query.get('start_sequence_timestamp')).toBe(new Date(T0).toISOString());
    expect(query.get('limit')).toBe('2');
  });

  it('pages every fill once the way the engine does, walking cursors with the definition params', async () => {
    const seen: string[] = [];
    let since = T0;
    for (let call = 0; call < 10; call++) {
      const page = await exchange.fetchMyTrades(undefined, since, 2, {
        ...coinbase.historyParams,
        maxEntriesPerRequest: 2,
      });
      seen.push(...page.map((t) => t.id!));
      if (page.length < 2) break;
      // ccxt's cursor pagination answers newest first: the next `since` follows the newest record.
      since = Math.max(...page.map((t) => t.timestamp!)) + 1;
    }
    expect(seen).toEqual(['t2', 't1', 't4', 't3', 't5']);
    const cursors = standIn.requests.filter((r) => r.path.endsWith('/fills') && r.query.get('cursor'));
    expect(cursors.length).toBeGreaterThan(0);
  });

  it('honours until as end_sequence_timestamp (inclusive); the paginated answer is newest first', async () => {
    const trades = await exchange.fetchMyTrades(undefined, T0, 100, {
      ...coinbase.historyParams,
      until: T0 + 3 * HOUR,
    });
    expect(trades.map((t) => t.id)).toEqual(['t3', 't2', 't1']);
  });

  it('needs an account for deposits, withdrawals and the ledger (the engine must not call them bare)', async () => {
    await expect(exchange.fetchDeposits(undefined, 0, 100)).rejects.toBeInstanceOf(ArgumentsRequired);
    await expect(exchange.fetchWithdrawals(undefined, 0, 100)).rejects.toBeInstanceOf(ArgumentsRequired);
    await expect(exchange.fetchLedger(undefined, 0, 100)).rejects.toBeInstanceOf(ArgumentsRequired);
  });

  it('serves the per-currency v2 endpoints ccxt reads when given a code', async () => {
    const fiat = await exchange.fetchDeposits('USD');
    expect(fiat.map((d) => [d.id, d.type, d.amount, d.currency, d.status, d.timestamp])).toEqual([
      ['d2', 'deposit', '1000', 'USD', 'ok', T0 - 2 * DAY],
    ]);
    // ccxt reports a fiat withdrawal's subtotal (amount + fee) as its amount.
    const eur = await exchange.fetchWithdrawals('EUR');
    expect(eur.map((w) => [w.id, w.amount, w.fee])).toEqual([['w2', '200.15', { cost: '0.15', currency: 'EUR' }]]);
    // ccxt types v2 transactions by the amount's sign: a buy fill's base half counts as a "deposit".
    const crypto = await exchange.fetchDeposits('BTC', undefined, undefined, { currencyType: 'crypto' });
    expect(crypto.map((d) => [d.id, d.txid, d.amount, d.status, d.addressTo])).toEqual([
      ['d1', 'btc-hash-1', '0.25', 'ok', 'bc1qownaddress'],
      ['t1-base', 't1-base', '0.01', 'ok', undefined],
    ]);
    const ledger = await exchange.fetchLedger('ETH', 0);
    expect(ledger.map((e) => [e.id, e.type, e.direction, e.amount, e.status, e.fee?.cost])).toEqual([
      ['d3', 'transaction', 'in', '1', 'pending', undefined],
      ['t2-base', 'advanced_trade_fill', 'out', '0.5', 'ok', undefined],
      ['t3-base', 'advanced_trade_fill', 'in', '1', 'ok', undefined],
      ['r1', 'staking_reward', 'in', '0.0012', 'ok', undefined],
      ['c1-in', 'trade', 'in', '0.033', 'ok', undefined],
      ['w1', 'transaction', 'out', '0.501', 'ok', '0.001'],
    ]);
    const transactionsPath = `/v2/accounts/${coinbaseAccountId('ETH')}/transactions`;
    expect(standIn.requests.some((r) => r.path === transactionsPath)).toBe(true);
  });
});

describe('coinbase stand-in faults, as Coinbase answers them', () => {
  it('rejects a JWT signed with another private key: AuthenticationError on v3 and v2', async () => {
    const impostor = coinbaseExchange(standIn.url, {
      api_key: standIn.key.api_key,
      secret_key: createCdpKey(standIn.key.api_key).secret,
    });
    await impostor.loadMarkets().catch(() => undefined);
    await expect(impostor.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(v2Accounts(impostor)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('rejects a revoked key', async () => {
    await exchange.loadMarkets();
    expect((await exchange.fetchBalance())['SOL']).toEqual({ free: '10', used: '0', total: '10' });
    standIn.revokeKey();
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    await expect(v2Accounts(exchange)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('rejects an expired JWT: a bare 401 on v3, authentication_error "request timestamp expired" on v2', async () => {
    await exchange.loadMarkets();
    standIn.clockOffsetMs = 3 * 60_000;
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
    expect(exchange.last_http_response).toBe('Unauthorized\n');
    // ccxt matches the id (authentication_error) before the message, so this is no InvalidNonce.
    await expect(v2Accounts(exchange)).rejects.toBeInstanceOf(AuthenticationError);
    expect(JSON.parse(exchange.last_http_response as string)).toEqual({
      errors: [{ id: 'authentication_error', message: 'request timestamp expired' }],
    });
    standIn.clockOffsetMs = -60_000; // not yet valid: nbf in the stand-in's future
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('refuses reads to a key without View: PermissionDenied, while key_permissions still answers', async () => {
    await exchange.loadMarkets();
    standIn.canView = false;
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(PermissionDenied);
    expect(JSON.parse(exchange.last_http_response as string)).toEqual({
      error: 'PERMISSION_DENIED',
      error_details: 'Missing required scopes',
      message: 'Missing required scopes',
    });
    expect(await coinbase.permissions!(exchange)).toEqual({ canTrade: false, canWithdraw: false });
  });

  it('answers a rate limit with 429 and Retry-After, then serves again', async () => {
    await exchange.loadMarkets();
    standIn.rateLimitOnce(7);
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(RateLimitExceeded);
    expect(retryAfter(exchange)).toBe('7');
    expect((await exchange.fetchBalance())['ETH']!.total).toBe('2.25');
    standIn.rateLimitOnce(3);
    await expect(v2Accounts(exchange)).rejects.toBeInstanceOf(RateLimitExceeded);
    expect(retryAfter(exchange)).toBe('3');
    expect(JSON.parse(exchange.last_http_response as string)).toEqual({
      errors: [{ id: 'rate_limit_exceeded', message: 'Too many requests' }],
    });
  });

  it('accepts an Ed25519 CDP key as well', async () => {
    const ed = coinbaseExchange(standIn.url, standIn.addKey('EdDSA'));
    expect((await ed.fetchBalance())['BTC']!.total).toBe('0.6');
  });

  it('warns a v2 client that sends no CB-VERSION, as Coinbase does', async () => {
    await exchange.loadMarkets();
    expect(await v2Accounts(exchange)).not.toHaveProperty('warnings');
    exchange.headers = {};
    expect((await v2Accounts(exchange))['warnings']).toEqual([expect.objectContaining({ id: 'missing_version' })]);
  });
});

function retryAfter(e: Exchange): string | undefined {
  const headers = e.last_response_headers as Record<string, string>;
  return headers['retry-after'] ?? headers['Retry-After'];
}
