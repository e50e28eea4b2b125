import ccxt, { type Exchange, type Trade } from 'ccxt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { kraken, krakenExceptions } from '../../../src/portfolio/sources/exchange/exchanges/kraken.ts';
import { ccxtExceptions } from '../../../src/portfolio/sources/exchange/ccxt-client.ts';
import { krakenLedgerHistory } from '../../../src/portfolio/sources/exchange/exchanges/kraken-ledger.ts';
import { decimal } from './support/decimals.ts';
import { krakenFixture } from './support/kraken-fixture.ts';
import { startKrakenStandIn, type KrakenStandIn } from './support/kraken-stand-in.ts';

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** Real ccxt, as the engine builds it, pointed at the stand-in (no client-side throttling in tests). */
function client(
  standIn: KrakenStandIn,
  secret = standIn.key.secret_key,
  config: Record<string, unknown> = {},
): Exchange {
  // `options: undefined` would wipe ccxt's own options: pass them only when the definition has some.
  const exchange = new ccxt.kraken({
    apiKey: standIn.key.api_key,
    secret,
    // Throttled to 2 ms, not Kraken's real second: fast, yet two calls never share the
    // millisecond that ccxt's nonce is (Kraken refuses a nonce that does not rise).
    enableRateLimit: true,
    rateLimit: 2,
    ...config,
    ...(kraken.options ? { options: kraken.options } : {}),
  });
  exchange.urls['api'] = pointAt(exchange.urls['api'], standIn.url) as typeof exchange.urls.api;
  exchange.number = String as unknown as typeof exchange.number;
  return exchange;
}

const fixture = krakenFixture();
const since = Math.min(...fixture.trades.map((t) => t.timestamp)) - 86_400_000 * 2;
let standIn: KrakenStandIn;
let exchange: Exchange;

beforeEach(async () => {
  standIn = await startKrakenStandIn({ fixture: krakenFixture() });
  exchange = client(standIn);
  await exchange.loadMarkets();
});
afterEach(() => standIn.close());

describe('Kraken stand-in, read by ccxt', () => {
  it('serves markets and currencies under Kraken ids', () => {
    expect(exchange.market('BTC/USD').id).toBe('XXBTZUSD');
    expect(exchange.market('ETH/BTC').id).toBe('XETHXXBT');
    expect(exchange.market('DOT/USD').id).toBe('DOTUSD');
    expect(exchange.currency('BTC').id).toBe('XXBT');
    expect(exchange.currency('DOGE').id).toBe('XXDG');
    expect(standIn.requests.map((r) => r.path)).toEqual(['/0/public/Assets', '/0/public/AssetPairs']);
  });

  it('answers fetchBalance with spot, staked (.S) and Earn (.F) balances', async () => {
    const balance = await exchange.fetchBalance();
    expect(decimal(balance['BTC']?.free)).toBe(decimal('0.5'));
    expect(decimal(balance['BTC']?.used)).toBe(decimal('0.1'));
    expect(decimal(balance['BTC']?.total)).toBe(decimal('0.6'));
    expect(decimal(balance['USD']?.total)).toBe(decimal('1234.5'));
    expect(decimal(balance['DOT.S']?.total)).toBe(decimal('10.25'));
    expect(decimal(balance['ETH.F']?.total)).toBe(decimal('2'));
    expect(standIn.requests.at(-1)?.path).toBe('/0/private/BalanceEx');
  });

  it('pages TradesHistory newest first by offset, and parses every trade back', async () => {
    const first = await exchange.fetchMyTrades(undefined, since, kraken.pageLimit);
    expect(first).toHaveLength(50);
    // Kraken answered the newest 50: paging forward from the last one finds nothing more.
    expect(first.at(-1)?.id).toBe(fixture.trades.at(-1)?.id);
    expect(await exchange.fetchMyTrades(undefined, first.at(-1)!.timestamp! + 1, kraken.pageLimit)).toEqual([]);

    const all: Trade[] = [...first];
    for (let ofs = 50; ; ofs += 50) {
      const page = await exchange.fetchMyTrades(undefined, since, kraken.pageLimit, { ofs });
      all.push(...page);
      if (page.length < 50) break;
    }
    expect(all.map((t) => t.id).sort()).toEqual(fixture.trades.map((t) => t.id).sort());
    for (const expected of fixture.trades) {
      const trade = all.find((t) => t.id === expected.id)!;
      expect(trade.order).toBe(expected.orderId);
      expect(trade.symbol).toBe(`${expected.base}/${expected.quote}`);
      expect(trade.side).toBe(expected.side);
      expect(trade.timestamp).toBe(expected.timestamp);
      expect(decimal(trade.amount)).toBe(decimal(expected.amount));
      expect(decimal(trade.price)).toBe(decimal(expected.price));
      expect(decimal(trade.cost)).toBe(decimal(expected.cost));
      expect(trade.fee?.currency).toBe(expected.fee.asset);
      expect(decimal(trade.fee?.cost)).toBe(decimal(expected.fee.amount));
    }
  });

  it('honours until on TradesHistory (end, inclusive)', async () => {
    const until = fixture.trades[9]!.timestamp;
    const trades = await exchange.fetchMyTrades(undefined, since, 50, { until });
    expect(trades.map((t) => t.id)).toEqual(fixture.trades.slice(0, 10).map((t) => t.id));
  });

  it('parses deposits and withdrawals back: ids, txids, addresses, networks, fees, statuses, times', async () => {
    // Newest first, as Kraken answers: ccxt does not sort funding history.
    const deposits = (await exchange.fetchDeposits(undefined, since, kraken.pageLimit)).reverse();
    expect(deposits.map((d) => [d.id, d.currency, d.status, d.network, d.txid, d.address])).toEqual(
      fixture.deposits.map((d) => [d.id, d.asset, d.status, d.network, d.txid, d.address]),
    );
    for (const [i, d] of deposits.entries()) {
      expect(d.type).toBe('deposit');
      expect(decimal(d.amount)).toBe(decimal(fixture.deposits[i]!.amount));
      expect(d.timestamp).toBe(Math.floor(fixture.deposits[i]!.timestamp / 1000) * 1000);
    }
    const withdrawals = (await exchange.fetchWithdrawals(undefined, since, kraken.pageLimit)).reverse();
    expect(withdrawals.map((w) => [w.id, w.currency, w.status, w.network, w.address])).toEqual(
      fixture.withdrawals.map((w) => [w.id, w.asset, w.status, w.network, w.address]),
    );
    expect(withdrawals[0]?.txid).toBe(fixture.withdrawals[0]!.txid);
    for (const [i, w] of withdrawals.entries()) {
      expect(decimal(w.amount)).toBe(decimal(fixture.withdrawals[i]!.amount));
      expect(decimal(w.fee?.cost)).toBe(decimal(fixture.withdrawals[i]!.fee));
    }
    const early = await exchange.fetchDeposits(undefined, since, 50, { until: fixture.deposits[0]!.timestamp });
    expect(early.map((d) => d.id)).toEqual([fixture.deposits[0]!.id]);
  });

  it('answers DepositStatus with the newest 25 only; walking back with until reads the rest', async () => {
    standIn.fixture.deposits = Array.from({ length: 30 }, (_, i) => ({
      id: `FTQ-DEPOSIT-${i}`,
      asset: 'USDC',
      amount: `${i + 1}`,
      timestamp: since + 1000 + i * 60_000,
      status: 'ok' as const,
    }));
    const seen = new Map<string, number>();
    let until: number | undefined;
    for (;;) {
      const page = await exchange.fetchDeposits(undefined, since, 50, until === undefined ? {} : { until });
      for (const d of page) seen.set(d.id!, (seen.get(d.id!) ?? 0) + 1);
      if (page.length < 25) break;
      until = Math.min(...page.map((d) => d.timestamp!)) - 1;
    }
    expect([...seen.keys()].sort()).toEqual(standIn.fixture.deposits.map((d) => d.id).sort());
    // ccxt sends end = until/1000 + 1 s: the oldest second of a page comes back once more.
    expect([...seen.values()].filter((n) => n > 1)).toHaveLength(1);
  });

  it('reads rewards, interest and conversions from the ledger by offset, skipping trades and transfers', async () => {
    const until = Date.now();
    const transactions = await krakenLedgerHistory.fetch(exchange, since, until);
    const ledgerCalls = standIn.requests.filter((r) => r.path === '/0/private/Ledgers');
    expect(ledgerCalls.length).toBe(Math.ceil((fixture.trades.length * 2 + 1 + 1 + 2 + 2) / 50));

    expect(transactions.map((t) => [t.externalId, t.category, t.timestamp])).toEqual([
      ['ledger:L4UESK-KG3EQ-UFO4T5', 'staking_reward', fixture.rewards[0]!.timestamp],
      ['ledger:LQHR3F-IXYV2-2QSDXZ', 'interest', fixture.rewards[1]!.timestamp],
      ['ledger:TSJTGT-DT7WN-GPPQMJ', 'trade', fixture.conversions[0]!.timestamp],
    ]);
    const [staking, interest, conversion] = transactions;
    expect(staking?.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['DOT', 123456789n]]);
    expect(interest?.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['USDC', 420000n]]);
    expect(conversion?.outputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['USD', 10000n]]);
    expect(conversion?.inputs.map((l) => [l.asset.symbol, l.quantity])).toEqual([['SOL', 654321098n]]);
    for (const t of transactions) {
      expect(t).toMatchObject({ status: 'confirmed', categorizationSource: 'provider', fees: [] });
    }
  });
});

describe('Kraken stand-in faults, as ccxt surfaces them', () => {
  it('a wrong secret: EAPI:Invalid signature, which ccxt 4.5 maps to a plain ExchangeError', async () => {
    const wrong = client(standIn, Buffer.alloc(64, 7).toString('base64'));
    const error = await wrong.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.ExchangeError);
    expect(error).not.toBeInstanceOf(ccxt.AuthenticationError);
    expect(String(error)).toContain('EAPI:Invalid signature');
    // With the mapping kraken.ts proposes, it is an AuthenticationError.
    const mapped = client(standIn, Buffer.alloc(64, 7).toString('base64'), {
      exceptions: ccxtExceptions(ccxt, krakenExceptions),
    });
    await expect(mapped.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });

  it('a deleted key: EAPI:Invalid key → AuthenticationError', async () => {
    standIn.revokeKey();
    await expect(exchange.fetchBalance()).rejects.toBeInstanceOf(ccxt.AuthenticationError);
  });

  it('a nonce not above the last one: EAPI:Invalid nonce → InvalidNonce', async () => {
    await exchange.fetchBalance();
    const behind = client(standIn);
    behind.nonce = () => 1;
    await expect(behind.fetchBalance()).rejects.toBeInstanceOf(ccxt.InvalidNonce);
  });

  it('a key without "Query ledger entries": EGeneral:Permission denied → PermissionDenied', async () => {
    standIn.grants.delete('ledger-query');
    await expect(exchange.fetchLedger()).rejects.toBeInstanceOf(ccxt.PermissionDenied);
    await expect(exchange.fetchWithdrawals()).rejects.toBeInstanceOf(ccxt.PermissionDenied);
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('a rate limit: EAPI:Rate limit exceeded, HTTP 200, no Retry-After → DDoSProtection, once', async () => {
    standIn.rateLimitOnce(5);
    const error = await exchange.fetchBalance().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ccxt.DDoSProtection);
    expect(String(error)).toContain('EAPI:Rate limit exceeded');
    expect(exchange.last_http_response).toContain('EAPI:Rate limit exceeded');
    expect(Object.keys(exchange.last_response_headers ?? {}).map((h) => h.toLowerCase())).not.toContain('retry-after');
    await expect(exchange.fetchBalance()).resolves.toBeDefined();
  });

  it('reports no key permissions: Kraken has no endpoint for them', () => {
    expect(kraken.permissions).toBeUndefined();
  });
});
