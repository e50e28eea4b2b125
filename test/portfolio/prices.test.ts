import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

const DAY = 86_400_000;
/** Day 0 of this file's history, 90 days back: a demo key's charts reach 365 days only. */
const DAY_0 = Math.floor(Date.now() / DAY) * DAY - 90 * DAY;
const at = (days: number, hours = 0, minutes = 0) =>
  new Date(DAY_0 + days * DAY + hours * 3600_000 + minutes * 60_000).toISOString();
const HEADER = 'Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag';
/** The universal CSV fixture's rows, dated from DAY_0 instead of 2024-01-01. */
const RECENT_CSV = [
  HEADER,
  `${at(4, 10)},0.5,BTC,,,,,`,
  `${at(5, 10)},2.25,ETH,0.1,BTC,0.001,ETH,trade`,
  `${at(31)},0.01,ETH,,,,,staking`,
  `${at(60, 9, 30)},,,0.05,BTC,0.0001,BTC,withdrawal`,
  `${at(64, 12)},100,FAKECOIN,,,,,airdrop`,
].join('\n');

describe.each(testDialects())('values from a CoinGecko-compatible price source (%s)', (dialect) => {
  const coingecko = new CoinGeckoServer();
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;

  const charts = (coin: string) => coingecko.requests.filter((r) => r.path === `/coins/${coin}/market_chart/range`);

  beforeAll(async () => {
    coingecko.historyStart = DAY_0;
    coingecko.historyBase.solana = 1000;
    coingecko.historyBase.litecoin = 500;
    coingecko.current.solana = 150;
    await coingecko.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { COINGECKO_API_URL: coingecko.url, COINGECKO_API_KEY: 'demo-key', PRICE_CACHE_SECONDS: '300' },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `prices-${dialect}@example.com`));
    expect(
      (
        await api.post('/platform/v2/providers', {
          provider_id: 'csv',
          connection: { type: 'csv', content: RECENT_CSV },
        })
      ).status,
    ).toBe(201);
    await server.kernel.jobs.drain();
  });
  afterAll(async () => {
    await close();
    await coingecko.close();
  });

  it('values transactions at their own time (decimal maths, never floats), one chart request per asset', async () => {
    const txs = (await api.get('/platform/v2/transactions')).body.data.transactions as Json[];
    const trade = txs.find((t) => t.timestamp === Date.parse(at(5, 10)));
    const jan6 = DAY_0 + 5 * DAY;
    expect(trade.inputs[0].value).toEqual({
      amount: '4511.25',
      currency: 'USD',
      price: '2005',
      priced_at: jan6,
      price_source: 'coingecko',
    });
    expect(trade.outputs[0].value).toEqual({
      amount: '4000.50',
      currency: 'USD',
      price: '40005',
      priced_at: jan6,
      price_source: 'coingecko',
    });
    expect(trade.fees.items[0].value).toMatchObject({ amount: '2.00', price: '2005' }); // 0.001 × 2005 = 2.005, banker's rounding
    expect(trade.fees.total).toEqual({ amount: '2.00', currency: 'USD' });
    const airdrop = txs.find((t) => t.inputs[0]?.asset.symbol === 'FAKECOIN');
    expect(airdrop.inputs[0].value).toBeNull(); // no price known: never invented
    expect(coingecko.requests.every((r) => r.apiKey === 'demo-key')).toBe(true);
    // Five transactions over two months: one market chart request for each priced asset.
    expect(charts('bitcoin')).toHaveLength(1);
    expect(charts('ethereum')).toHaveLength(1);
  });

  it('values positions with current prices and caches them', async () => {
    const assets = (await api.get('/platform/v2/assets')).body.data;
    const bySymbol = Object.fromEntries(assets.assets.map((a: Json) => [a.asset.symbol, a]));
    expect(bySymbol.BTC.value).toMatchObject({
      amount: '22743.59',
      currency: 'USD',
      price: '65000.25',
      price_source: 'coingecko',
    });
    expect(bySymbol.ETH.value).toMatchObject({ amount: '6778.13', price: '3000.5' });
    expect(bySymbol.FAKECOIN.value).toBeNull();
    expect(assets.total_value).toEqual({ amount: '29521.72', currency: 'USD' });

    const asked = coingecko.requests.filter((r) => r.path === '/simple/price').length;
    const history = coingecko.requests.filter((r) => r.path.includes('market_chart')).length;
    server.clock.advance(61_000);
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    expect(coingecko.requests.filter((r) => r.path === '/simple/price')).toHaveLength(asked); // within PRICE_CACHE_SECONDS
    expect(coingecko.requests.filter((r) => r.path.includes('market_chart'))).toHaveLength(history); // history is kept

    coingecko.current.bitcoin = 70000;
    server.clock.advance(301_000);
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const later = (await api.get('/platform/v2/assets?asset_symbols=BTC')).body.data.assets[0];
    expect(later.value).toMatchObject({ amount: '24493.00', price: '70000' });
  });

  it('keeps values null while the price source is down, and fills them on a later sync', async () => {
    coingecko.down = true;
    // A coin not priced so far, so no cached point can answer for it.
    const day = DAY_0 - 100 * DAY;
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: `${HEADER}\n${new Date(day).toISOString()},1,LTC,,,,,` },
    });
    await server.kernel.jobs.drain();
    const connectionId = linked.body.data.connection_id;
    const find = async () =>
      ((await api.get('/platform/v2/transactions?limit=100')).body.data.transactions as Json[]).find(
        (t) => t.connection_id === connectionId,
      );
    expect((await find()).inputs[0].value).toBeNull();
    expect(
      (await api.get('/platform/v2/providers')).body.data.providers.every((p: Json) => p.status === 'connected'),
    ).toBe(true);
    coingecko.down = false;
    server.clock.advance(61_000);
    await api.post('/platform/v2/transactions/refresh');
    await server.kernel.jobs.drain();
    const price = String(coingecko.historyPrice('litecoin', day));
    expect((await find()).inputs[0].value).toMatchObject({ amount: `${price}.00`, price });
  });

  it('prices 1,200 transactions of one asset over 300 days with one chart request; the next sync asks nothing', async () => {
    // Newest first, as some histories arrive (Solana's signatures): the first batch priced is the
    // newest, and its request, reaching a year back, holds the points of every later one.
    const rows = Array.from(
      { length: 1200 },
      (_, i) => `${new Date(Date.now() - i * 6 * 3600_000).toISOString()},0.5,SOL,,,,,`,
    );
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: [HEADER, ...rows].join('\n') },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    expect(charts('solana')).toHaveLength(1);
    const connectionId = linked.body.data.connection_id as string;
    const stored = await server.kernel.database.db
      .selectFrom('portfolio_transactions')
      .select(['legs', 'needs_pricing'])
      .where('connection_id', '=', connectionId)
      .execute();
    expect(stored).toHaveLength(1200);
    expect(stored.every((t) => t.needs_pricing === 0 && t.legs.includes('"source":"coingecko"'))).toBe(true);

    server.clock.advance(61_000);
    expect((await api.post('/platform/v2/transactions/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    expect(charts('solana')).toHaveLength(1);
  });
});
