import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { coinGeckoSource } from '../../src/portfolio/prices/coingecko.ts';
import type { CoinGeckoOptions } from '../../src/portfolio/prices/coingecko-http.ts';
import { PriceRepository } from '../../src/portfolio/prices/price-repository.ts';
import { PriceService } from '../../src/portfolio/prices/price-service.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { TestClock } from '../helpers/test-clock.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';

const DAY = 86_400_000;
const BONK_MINT = 'DezXAZ8z7PnrnRJjz3wXBoRgixCa6xjnB7YaB1pPB263';

describe.each(testDialects())('history at transaction time from CoinGecko market charts (%s)', (dialect) => {
  const coingecko = new CoinGeckoServer();
  const clock = new TestClock();
  const today = Math.floor(Date.now() / DAY) * DAY;
  let database: DatabaseHandle;
  let drop: () => Promise<void>;

  /** A price service as one sync on one node builds it: its own adapter and memory, the shared database. */
  const service = (options: Partial<CoinGeckoOptions> = {}) =>
    new PriceService({
      source: coinGeckoSource({
        baseUrl: coingecko.url,
        apiKey: 'demo-key',
        timeoutMs: 5000,
        rateLimit: { calls: 100, windowMs: 1000 },
        now: () => clock.now(),
        ...options,
      }),
      repo: new PriceRepository(database.db),
      clock,
      cacheMs: 300_000,
    });
  const charts = (coin: string) => coingecko.requests.filter((r) => r.path === `/coins/${coin}/market_chart/range`);
  /** The stand-in's price for the day whose 00:00 is nearest. */
  const expected = (coin: string, t: number) => String(coingecko.historyPrice(coin, Math.round(t / DAY) * DAY));

  beforeAll(async () => {
    coingecko.historyStart = today - 400 * DAY;
    coingecko.historyBase.solana = 100;
    coingecko.historyBase.bonk = 1;
    coingecko.tokens.solana = { [BONK_MINT]: 'bonk' };
    await coingecko.start();
    const fresh = await freshDatabaseUrl(dialect);
    drop = fresh.drop;
    database = openDatabase(fresh.url);
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
    await coingecko.close();
  });

  it('asks once for 1,200 transactions of one asset over 300 days, in batches; the next sync asks nothing', async () => {
    const instants = Array.from({ length: 1200 }, (_, i) => today - 300 * DAY + i * 6 * 3600_000 + 1234);
    const prices = service();
    // In three batches of 400, newest first (the harder order: each batch older than the last).
    for (let i = instants.length; i > 0; i -= 400) await prices.at('coin:bitcoin', instants.slice(i - 400, i));
    expect(charts('bitcoin')).toHaveLength(1);
    const [request] = charts('bitcoin');
    expect(Number(request!.query.get('from')) * 1000).toBeLessThanOrEqual(instants[0]!);
    expect(Number(request!.query.get('to')) * 1000).toBeGreaterThanOrEqual(clock.now() - 1000); // up to now

    const again = await service().at('coin:bitcoin', instants);
    expect(charts('bitcoin')).toHaveLength(1); // the points are in the database
    expect(again.size).toBe(1200);
    for (const t of [instants[0]!, instants[777]!, instants.at(-1)!])
      expect(again.get(t)).toMatchObject({ price: expected('bitcoin', t), source: 'coingecko' });
  });

  it('reaches back 365 days with a demo key: older instants are unknown and never asked for', async () => {
    const old = [today - 500 * DAY, today - 400 * DAY];
    const recent = today - 100 * DAY + 3600_000;
    const prices = service();
    const answer = await prices.at('coin:ethereum', [...old, recent]);
    expect(charts('ethereum')).toHaveLength(1);
    expect(charts('ethereum')[0]!.status).toBe(200); // never the 401 CoinGecko gives a range out of reach
    expect(Number(charts('ethereum')[0]!.query.get('from')) * 1000).toBeGreaterThan(clock.now() - 365 * DAY);
    expect(answer.get(recent)?.price).toBe(expected('ethereum', recent));
    for (const t of old) expect(answer.has(t)).toBe(false);

    await service().at('coin:ethereum', [...old, recent]);
    await service().at('coin:ethereum', old);
    expect(charts('ethereum')).toHaveLength(1);
  });

  it('reaches the whole history with a Pro key, in one request', async () => {
    const instants = [today - 390 * DAY + 7200_000, today - 200 * DAY];
    const answer = await service({ apiKey: 'pro-key', plan: 'pro' }).at('coin:solana', instants);
    expect(charts('solana').map((r) => [r.plan, r.status])).toEqual([['pro', 200]]);
    for (const t of instants) expect(answer.get(t)?.price).toBe(expected('solana', t));
  });

  it('asks once for instants before a token was listed, not once per batch of the same sync', async () => {
    coingecko.historyBase.late = 3;
    coingecko.listedSince.late = today - 30 * DAY;
    const before = Array.from({ length: 10 }, (_, i) => today - 60 * DAY + i * DAY);
    const prices = service();
    const first = await prices.at('coin:late', before.slice(0, 5));
    const second = await prices.at('coin:late', [...before.slice(5), today - 10 * DAY]);
    expect(charts('late')).toHaveLength(1);
    expect(first.size).toBe(0); // unknown: null, never a later price carried back
    expect([...second.values()].map((p) => p.price)).toEqual([expected('late', today - 10 * DAY)]);
  });

  it('reads a Solana token’s history by its mint, exactly as written', async () => {
    const t = today - 20 * DAY;
    const answer = await service().at(`token:solana:${BONK_MINT}`, [t]);
    const path = `/coins/solana/contract/${BONK_MINT}/market_chart/range`;
    expect(coingecko.requests.filter((r) => r.path === path)).toHaveLength(1);
    expect(answer.get(t)?.price).toBe(expected('bonk', t));
  });
});
