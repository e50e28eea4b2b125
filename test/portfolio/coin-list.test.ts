import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { CoinList, COIN_LIST_MAX_AGE_MS, COIN_LIST_RETRY_MS } from '../../src/portfolio/prices/coin-list.ts';
import { CoinListRepository } from '../../src/portfolio/prices/coin-list-repository.ts';
import { coinGeckoCoinList, type Coin } from '../../src/portfolio/prices/coin-list-source.ts';
import { PriceSourceUnavailable } from '../../src/portfolio/prices/price-source.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { TestClock } from '../helpers/test-clock.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';

const UNI: Coin = { id: 'uniswap', symbol: 'uni', name: 'Uniswap', platforms: { ethereum: '0x1f98' } };
const UNICORN: Coin = { id: 'unicorn', symbol: 'uni', name: 'Unicorn', platforms: {} };

describe.each(testDialects())('the coins list shared by every node (%s)', (dialect) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  const clock = new TestClock(Date.UTC(2025, 0, 1));
  let answer: () => Promise<Coin[]> = async () => [UNI];
  let fetches = 0;
  /** Two nodes: each its own CoinList, one database between them. */
  const nodes: CoinList[] = [];

  beforeAll(async () => {
    const fresh = await freshDatabaseUrl(dialect);
    drop = fresh.drop;
    database = openDatabase(fresh.url);
    await migrateToLatest(database.db);
    for (let i = 0; i < 2; i++)
      nodes.push(
        new CoinList({
          source: () => (fetches++, answer()),
          repo: new CoinListRepository(database.db),
          clock,
          log: pino({ level: 'silent' }),
        }),
      );
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('finds nothing before any list is stored, then one node fetches while the other waits for it', async () => {
    let release!: () => void;
    answer = () => new Promise((resolve) => (release = () => resolve([UNI])));
    const both = Promise.all(nodes.map((node) => node.refreshIfDue()));
    await expect.poll(() => fetches).toBe(1);
    expect((await nodes[1]!.bySymbol(['UNI'])).size).toBe(0); // no list yet: no mapping
    release();
    await both;
    expect(fetches).toBe(1);
    expect((await nodes[1]!.bySymbol(['UNI'])).get('uni')).toEqual([UNI]);
  });

  it('uses a list younger than a day on every node without fetching it again', async () => {
    clock.advance(COIN_LIST_MAX_AGE_MS - 1000);
    answer = async () => [UNI, UNICORN];
    await Promise.all(nodes.map((node) => node.bySymbol(['UNI'])));
    expect(fetches).toBe(1);
    clock.advance(1000);
    expect((await nodes[0]!.bySymbol(['uni'])).get('uni')?.map((c) => c.id)).toEqual(
      expect.arrayContaining(['uniswap', 'unicorn']),
    );
    expect(fetches).toBe(2);
  });

  it('keeps the last list through an outage and tries again only after an hour', async () => {
    clock.advance(COIN_LIST_MAX_AGE_MS);
    answer = async () => {
      throw new PriceSourceUnavailable('CoinGecko answered 429');
    };
    expect((await nodes[0]!.bySymbol(['UNI'])).get('uni')).toHaveLength(2);
    expect(fetches).toBe(3);
    clock.advance(COIN_LIST_RETRY_MS - 1000);
    await nodes[1]!.refreshIfDue();
    expect(fetches).toBe(3);
    clock.advance(1000);
    answer = async () => [UNI];
    await nodes[1]!.refreshIfDue();
    expect(fetches).toBe(4);
    expect((await nodes[0]!.bySymbol(['UNI'])).get('uni')).toEqual([UNI]);
  });
});

describe("CoinGecko's /coins/list", () => {
  const coingecko = new CoinGeckoServer();
  beforeAll(() => coingecko.start());
  afterAll(() => coingecko.close());
  const list = () => coinGeckoCoinList({ baseUrl: coingecko.url, apiKey: 'demo-key', timeoutMs: 5000 })();

  it('is read with platforms, symbols lowercase, empty platform entries dropped', async () => {
    coingecko.coins = [
      { id: 'uniswap', symbol: 'UNI', name: 'Uniswap', platforms: { ethereum: '0x1f98', '': '' } },
      { id: 'bitcoin', symbol: 'btc', name: 'Bitcoin', platforms: {} },
    ];
    expect(await list()).toEqual([
      { id: 'uniswap', symbol: 'uni', name: 'Uniswap', platforms: { ethereum: '0x1f98' } },
      { id: 'bitcoin', symbol: 'btc', name: 'Bitcoin', platforms: {} },
    ]);
    expect(coingecko.requests.at(-1)).toMatchObject({ path: '/coins/list', apiKey: 'demo-key' });
    expect(coingecko.requests.at(-1)!.query.get('include_platform')).toBe('true');
  });

  it('counts an empty list or a refusal as an outage, so a good stored list is never replaced by it', async () => {
    coingecko.coins = [];
    await expect(list()).rejects.toBeInstanceOf(PriceSourceUnavailable);
    coingecko.down = true;
    await expect(list()).rejects.toBeInstanceOf(PriceSourceUnavailable);
  });
});
