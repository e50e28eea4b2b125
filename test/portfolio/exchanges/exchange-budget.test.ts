import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openExchange } from '../../../src/portfolio/sources/exchange/ccxt-client.ts';
import { binance } from '../../../src/portfolio/sources/exchange/exchanges/binance.ts';
import { startBinanceStandIn, type BinanceStandIn } from './support/binance-stand-in.ts';

interface AccountCall {
  privateGetAccount(): Promise<unknown>;
}

describe('an exchange whose limit is a weight budget per window (Binance)', () => {
  let standIn: BinanceStandIn;
  beforeAll(async () => {
    standIn = await startBinanceStandIn();
  });
  afterAll(async () => {
    await standIn?.close();
  });

  it('spends one rolling budget for every client of the exchange: calls go at once until it is spent', async () => {
    // A 2 s window of 40 ccxt cost units (Binance's rateLimit 50 ms), a quarter of it spendable:
    // 10 units. GET /api/v3/account costs 4 (weight 20), so two calls fit and the third waits
    // until the first has left the window.
    const definition = { ...binance, budgetWindow: { windowMs: 2000, share: 0.25 } };
    const key = { apiKey: standIn.key.api_key, secret: standIn.key.secret_key };
    const options = { apiUrl: standIn.url, timeoutMs: 5000 };
    const first = (await openExchange(definition, key, options)) as unknown as AccountCall;
    const second = (await openExchange(definition, key, options)) as unknown as AccountCall;

    const startedAt = Date.now();
    await first.privateGetAccount();
    await second.privateGetAccount();
    await first.privateGetAccount();

    const calls = standIn.charges.filter((c) => c.path === '/api/v3/account');
    expect(calls.map((c) => c.status)).toEqual([200, 200, 200]);
    // The second client's call did not wait: costs add up as numbers (ccxt hands them over as strings).
    expect(calls[1]!.at - calls[0]!.at).toBeLessThan(1000);
    // The third waited until the first had left the 2 s window (it was admitted no earlier than the
    // test asked for it), although the second came from another client.
    expect(calls[2]!.at - startedAt).toBeGreaterThanOrEqual(1995);
  });
});
