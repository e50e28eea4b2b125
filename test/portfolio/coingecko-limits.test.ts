import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coinGeckoSource } from '../../src/portfolio/prices/coingecko.ts';
import type { CoinGeckoOptions } from '../../src/portfolio/prices/coingecko-http.ts';
import { coinGeckoPlan } from '../../src/portfolio/prices/coingecko-plan.ts';
import { PriceSourceUnavailable } from '../../src/portfolio/prices/price-source.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';

/** A Solana mint: base58, so its case is part of the address. */
const BONK_MINT = 'DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263';

// A fresh stand-in per test: its windows start empty, and the adapter's gate (one per URL and key) too.
let coingecko: CoinGeckoServer;
beforeEach(async () => {
  coingecko = new CoinGeckoServer();
  await coingecko.start();
});
afterEach(() => coingecko.close());

const source = (options: Partial<CoinGeckoOptions> = {}) =>
  coinGeckoSource({ baseUrl: coingecko.url, apiKey: 'demo-key', timeoutMs: 5000, ...options });
const statuses = () => coingecko.requests.map((r) => r.status);

describe('CoinGecko rate limits, through the real adapter', () => {
  it('keeps within its calls per window, waiting on timers, so CoinGecko never refuses one', async () => {
    coingecko.rateLimit = { calls: 3, windowMs: 1000 };
    const prices = source({ rateLimit: { calls: 3, windowMs: 1000 } });
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 8 }, () => prices.current(['coin:bitcoin'])));
    expect(answers.map((a) => a.get('coin:bitcoin'))).toEqual(Array(8).fill('65000.25'));
    expect(statuses()).toEqual(Array(8).fill(200));
    expect(coingecko.busiestWindow(1000)).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000); // 8 calls at 3 a window: two windows waited
  });

  it('waits out a 429 for its Retry-After, then succeeds (CoinGecko allowing fewer calls than configured)', async () => {
    coingecko.rateLimit = { calls: 2, windowMs: 1000 };
    const prices = source({ rateLimit: { calls: 10, windowMs: 1000 } });
    const answers = await Promise.all(Array.from({ length: 4 }, () => prices.current(['coin:ethereum'])));
    expect(answers.map((a) => a.get('coin:ethereum'))).toEqual(Array(4).fill('3000.5'));
    const refused = coingecko.requests.filter((r) => r.status === 429);
    expect(refused).toHaveLength(2);
    const retried = coingecko.requests.filter((r) => r.status === 200 && r.at > refused[0]!.at);
    expect(retried).toHaveLength(2);
    // Retry-After said 1 s: nothing was sent again before it had passed.
    for (const r of retried) expect(r.at - refused[0]!.at).toBeGreaterThanOrEqual(1000 - 5);
    expect(
      coingecko.busiestWindow(
        1000,
        coingecko.requests.filter((r) => r.status === 200),
      ),
    ).toBeLessThanOrEqual(2);
  });

  it('backs off exponentially when a 429 names no Retry-After, and is answered once the window has room', async () => {
    coingecko.rateLimit = { calls: 1, windowMs: 1000, retryAfter: false };
    const prices = source({ rateLimit: { calls: 10, windowMs: 1000 }, backoffMs: 100 });
    await prices.current(['coin:bitcoin']);
    const second = await prices.current(['coin:ethereum']);
    expect(second.get('coin:ethereum')).toBe('3000.5');
    const attempts = coingecko.requests.slice(1);
    expect(attempts.at(-1)!.status).toBe(200);
    expect(attempts.slice(0, -1).map((r) => r.status)).toEqual(Array(attempts.length - 1).fill(429));
    expect(attempts.length).toBeGreaterThanOrEqual(3); // refused at 0, 100, 300, 700 ms; answered past 1 s
    const gaps = attempts.slice(1).map((r, i) => r.at - attempts[i]!.at);
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(100 * 2 ** i - 5)); // 100, 200, 400, 800 ms
  });

  it('gives up at once when asked to wait past its budget, and holds every caller back meanwhile', async () => {
    coingecko.rateLimit = { calls: 1, windowMs: 60_000 };
    const prices = source({ rateLimit: { calls: 10, windowMs: 1000 }, maxWaitMs: 2000 });
    expect((await prices.current(['coin:bitcoin'])).get('coin:bitcoin')).toBe('65000.25');
    const started = Date.now();
    await expect(prices.current(['coin:ethereum'])).rejects.toBeInstanceOf(PriceSourceUnavailable);
    await expect(prices.history('coin:ethereum', Date.now() - 86_400_000, Date.now())).rejects.toBeInstanceOf(
      PriceSourceUnavailable,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(statuses()).toEqual([200, 429]); // Retry-After: 60 — the next caller did not even ask
  });

  it('gives up after a bounded total wait when 429s keep coming', async () => {
    coingecko.rateLimit = { calls: 0, windowMs: 60_000, retryAfter: false };
    const prices = source({ rateLimit: { calls: 10, windowMs: 1000 }, backoffMs: 100, maxWaitMs: 1000 });
    const started = Date.now();
    await expect(prices.current(['coin:bitcoin'])).rejects.toThrow(/429/);
    // Sent at 0, 100, 300 and 700 ms; the next wait (800 ms) would end past the 1 s budget.
    expect(statuses().length).toBeGreaterThanOrEqual(3);
    expect(statuses().every((s) => s === 429)).toBe(true);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe('CoinGecko out of reach', () => {
  it('costs no turn: a refused connection never reached CoinGecko, so every call fails at once as unreachable', async () => {
    const closed = new CoinGeckoServer();
    await closed.start();
    await closed.close();
    for (const baseUrl of [closed.url, 'http://127.0.0.1:9/api/v3']) {
      const prices = coinGeckoSource({ baseUrl, timeoutMs: 5000, rateLimit: { calls: 1, windowMs: 60_000 } });
      for (let i = 0; i < 3; i++)
        await expect(prices.current(['coin:bitcoin'])).rejects.toThrow(/CoinGecko is unreachable/);
    }
  });
});

describe('CoinGecko batches and addresses, through the real adapter', () => {
  const contracts = Array.from({ length: 23 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
  const tokenKeys = contracts.map((c) => `token:ethereum:${c}`);
  beforeEach(() => {
    // Every other contract is one CoinGecko lists.
    for (const [i, c] of contracts.entries()) if (i % 2 === 0) coingecko.tokens.ethereum![c] = 'usd-coin';
  });

  it('asks keyless for 10 contract addresses a call and 515 ids a call: one request per batch, not per asset', async () => {
    const ids = ['bitcoin', ...Array.from({ length: 599 }, (_, i) => `unlisted-${i}`)];
    const prices = coinGeckoSource({
      baseUrl: coingecko.url,
      timeoutMs: 5000,
      rateLimit: { calls: 100, windowMs: 1000 },
    });
    const answer = await prices.current([...ids.map((id) => `coin:${id}`), ...tokenKeys]);
    const simple = coingecko.requests.filter((r) => r.path === '/simple/price');
    expect(simple.map((r) => r.query.get('ids')!.split(',').length)).toEqual([515, 85]);
    const token = coingecko.requests.filter((r) => r.path === '/simple/token_price/ethereum');
    expect(token.map((r) => r.query.get('contract_addresses')!.split(',').length)).toEqual([10, 10, 3]);
    expect(statuses().every((s) => s === 200)).toBe(true);
    expect(coingecko.requests.every((r) => r.plan === 'keyless')).toBe(true);
    expect(answer.get('coin:bitcoin')).toBe('65000.25');
    expect(answer.get('coin:unlisted-7')).toBeNull();
    tokenKeys.forEach((key, i) => expect(answer.get(key)).toBe(i % 2 === 0 ? '1' : null));
  });

  it('asks with a demo key for all 23 contracts in one call', async () => {
    const answer = await source({ rateLimit: { calls: 100, windowMs: 1000 } }).current(tokenKeys);
    expect(coingecko.requests.map((r) => [r.path, r.plan])).toEqual([['/simple/token_price/ethereum', 'demo']]);
    expect(answer.get(tokenKeys[0]!)).toBe('1');
  });

  it('finds EVM answers whatever case was asked, Solana mints only exactly as written', async () => {
    coingecko.tokens.solana = { [BONK_MINT]: 'bonk' };
    coingecko.current.bonk = 0.0000213;
    const checksummed = 'token:ethereum:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
    const mint = `token:solana:${BONK_MINT}`;
    const wrongCase = `token:solana:${BONK_MINT.toLowerCase()}`;
    const answer = await source().current([checksummed, mint, wrongCase]);
    expect(answer.get(checksummed)).toBe('1');
    expect(answer.get(mint)).toBe('0.0000213');
    expect(answer.get(wrongCase)).toBeNull(); // a different base58 string: another mint, never this one's price
    expect(coingecko.requests.map((r) => r.path)).toEqual([
      '/simple/token_price/ethereum',
      '/simple/token_price/solana',
    ]);
    expect(coingecko.requests[1]!.query.get('contract_addresses')).toBe(`${BONK_MINT},${BONK_MINT.toLowerCase()}`);
  });

  it('tells the plan by key and host, and sends a Pro key in its own header', async () => {
    expect(coinGeckoPlan('https://api.coingecko.com/api/v3', undefined)).toBe('keyless');
    expect(coinGeckoPlan('https://api.coingecko.com/api/v3', 'CG-x')).toBe('demo');
    expect(coinGeckoPlan('https://pro-api.coingecko.com/api/v3', 'CG-x')).toBe('pro');
    await source({ apiKey: 'pro-key', plan: 'pro' }).current(['coin:bitcoin']);
    expect(coingecko.requests[0]).toMatchObject({ plan: 'pro', apiKey: 'pro-key' });
  });
});
