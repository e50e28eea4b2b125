import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COIN_LIST_MAX_AGE_MS, COIN_LIST_RETRY_MS } from '../../src/portfolio/prices/coin-list.ts';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchanges/support/exchange-stand-in.ts';
import { startKucoinStandIn } from './exchanges/support/kucoin-stand-in.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';
import { ALL_SCOPES, PlatformClient, type Json } from './support/platform-client.ts';

const DAY = 86_400_000;
const noonDaysAgo = (days: number) => Math.floor(Date.now() / DAY) * DAY - days * DAY + DAY / 2;
const GEM_CONTRACT = '0x9f8f72aa9304c8b593d555f12ef6589cc3a579a2';

/** A KuCoin account holding coins CoinGecko lists once (UNI), several times (MOON, GEM, STAR) and BTC. */
function account(): ExchangeFixture {
  return {
    ...emptyFixture(),
    balances: [
      { asset: 'BTC', free: '0.5' },
      { asset: 'UNI', free: '10' },
      { asset: 'MOON', free: '100' },
      { asset: 'GEM', free: '5' },
      { asset: 'STAR', free: '7' },
    ],
    deposits: [{ id: 'dep-uni', asset: 'UNI', amount: '10', txid: '0xfeed', timestamp: noonDaysAgo(3), status: 'ok' }],
    currencies: {
      MOON: { name: 'Moon Rabbit' },
      // KuCoin names GEM by its ticker only; its ERC-20 contract (checksummed case) tells which GEM it is.
      GEM: { contract: GEM_CONTRACT.toUpperCase().replace('0X', '0x') },
      STAR: { name: 'STAR' },
    },
  };
}

describe.each(testDialects())('prices of exchange assets through the coins list (%s)', (dialect) => {
  const coingecko = new CoinGeckoServer();
  let kucoin: ExchangeStandIn;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let refreshToken: string;

  /** Tokens for the API from a grant (access tokens last 15 minutes; the clock moves by days here). */
  const useTokens = async (grant: Record<string, string>) => {
    const tokens = await postForm(server, '/oauth/token', { ...grant, client_id: client.id });
    expect(tokens.status).toBe(200);
    api = new PlatformClient(server, tokens.json.access_token as string);
    refreshToken = tokens.json.refresh_token as string;
  };

  const listCalls = () => coingecko.requests.filter((r) => r.path === '/coins/list');
  const held = async () => {
    const answer = await api.get('/platform/v2/assets?crypto_sources=kucoin');
    expect(answer.status).toBe(200);
    return Object.fromEntries((answer.body.data.assets as Json[]).map((a) => [a.asset.symbol as string, a])) as Record<
      string,
      Json
    >;
  };
  const sync = async (advanceMs: number) => {
    server.clock.advance(advanceMs);
    await useTokens({ grant_type: 'refresh_token', refresh_token: refreshToken });
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    expect(providers.map((p) => p.status)).toEqual(['connected']);
  };
  const priceKey = async (symbol: string) =>
    (
      await server.kernel.database.db
        .selectFrom('portfolio_assets')
        .select('price_key')
        .where('id', '=', `exchange:kucoin/${symbol}`)
        .executeTakeFirstOrThrow()
    ).price_key;

  beforeAll(async () => {
    coingecko.coins.push(
      { id: 'bitcoin-clone', symbol: 'btc', name: 'Bitcoin Clone', platforms: {} },
      {
        id: 'uniswap',
        symbol: 'uni',
        name: 'Uniswap',
        platforms: { ethereum: '0x1f98431c8ad98523631ae4a59f267346ea31f984' },
      },
      { id: 'moon-rabbit', symbol: 'moon', name: 'Moon Rabbit', platforms: {} },
      { id: 'moonbeam-moon', symbol: 'moon', name: 'Moon', platforms: {} },
      { id: 'gem-token', symbol: 'gem', name: 'Gem', platforms: { ethereum: GEM_CONTRACT } },
      {
        id: 'gemstone',
        symbol: 'gem',
        name: 'Gem',
        platforms: { 'binance-smart-chain': '0x1111111111111111111111111111111111111111' },
      },
      { id: 'starlink', symbol: 'star', name: 'Starlink', platforms: {} },
      { id: 'star-token', symbol: 'star', name: 'Star', platforms: {} },
      { id: 'chainlink', symbol: 'link', name: 'Chainlink', platforms: {} },
    );
    Object.assign(coingecko.current, {
      'bitcoin-clone': 1,
      uniswap: 7.5,
      'moon-rabbit': 0.002,
      'moonbeam-moon': 3,
      'gem-token': 1.25,
      gemstone: 40,
      starlink: 9,
      'star-token': 2,
      chainlink: 15,
    });
    coingecko.historyBase.uniswap = 5;
    await coingecko.start();
    kucoin = await startKucoinStandIn({ fixture: account() });
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        COINGECKO_API_URL: coingecko.url,
        COINGECKO_API_KEY: 'demo-key',
        PRICE_CACHE_SECONDS: '300',
        EXCHANGE_API_URLS: JSON.stringify({ kucoin: kucoin.url }),
        PORTFOLIO_EXCHANGE_HISTORY_START: new Date(noonDaysAgo(5)).toISOString().slice(0, 10),
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ALL_SCOPES.split(' '),
    });
    const { redirect, verifier } = await authorizeThroughPages(server, new PageAgent(server.url), smtp, client, {
      email: `coin-prices-${dialect}@example.com`,
      params: { scope: ALL_SCOPES },
    });
    await useTokens({
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: client.redirectUri,
      code_verifier: verifier,
    });
  });
  afterAll(async () => {
    await close?.();
    await kucoin?.close();
    await coingecko.close();
  });

  it('maps nothing while there is no coins list (CoinGecko down): values are null, the sync succeeds', async () => {
    coingecko.down = true;
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'kucoin',
      connection: { type: 'api_key', ...kucoin.key },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/providers')).body.data.providers[0].status).toBe('connected');
    const assets = await held();
    expect(Object.keys(assets).sort()).toEqual(['BTC', 'GEM', 'MOON', 'STAR', 'UNI']);
    for (const asset of Object.values(assets)) expect(asset.value).toBeNull();
    expect(listCalls()).toHaveLength(1);
    expect(await priceKey('UNI')).toBeNull();
  });

  it('once the list is in, values a symbol CoinGecko lists once, in its position and its history', async () => {
    coingecko.down = false;
    await sync(COIN_LIST_RETRY_MS);
    expect(listCalls()).toHaveLength(2);
    expect(listCalls()[1]!.query.get('include_platform')).toBe('true');
    expect(listCalls()[1]!.apiKey).toBe('demo-key');
    expect((await held()).UNI.value).toMatchObject({ amount: '75.00', currency: 'USD', price: '7.5' });
    expect(await priceKey('UNI')).toBe('coin:uniswap');

    // The deposit was stored by the first sync, before UNI had a key: it is priced now, at its own time.
    const transactions = (await api.get('/platform/v2/transactions?crypto_sources=kucoin')).body.data
      .transactions as Json[];
    const deposit = transactions.find((t) => t.inputs[0]?.asset.symbol === 'UNI');
    const day = Math.floor(noonDaysAgo(3) / DAY) * DAY;
    expect(deposit.inputs[0].value).toEqual({
      amount: (coingecko.historyPrice('uniswap', day) * 10).toFixed(2),
      currency: 'USD',
      price: String(coingecko.historyPrice('uniswap', day)),
      priced_at: day,
      price_source: 'coingecko',
    });
  });

  it('tells look-alikes apart by the exchange’s name or contract, else leaves the value null; BTC stays Bitcoin', async () => {
    const assets = await held();
    expect(assets.MOON.value).toMatchObject({ amount: '0.20', price: '0.002' }); // "Moon Rabbit", not "Moon"
    expect(assets.GEM.value).toMatchObject({ amount: '6.25', price: '1.25' }); // by its ERC-20 contract
    expect(assets.STAR.value).toBeNull(); // two STARs, and KuCoin's name is only the ticker
    expect(await priceKey('STAR')).toBeNull();
    expect(assets.BTC.value).toMatchObject({ price: '65000.25' }); // the well-known table, never the clone
    expect(await priceKey('BTC')).toBe('coin:bitcoin');
  });

  it('fetches the list once a day: no call on the next sync, one a day later, and keys already set stay', async () => {
    // A deposit of an asset keyed earlier is priced as it is stored.
    const at = server.clock.now();
    kucoin.fixture.deposits.push({
      id: 'dep-uni-2',
      asset: 'UNI',
      amount: '2',
      txid: '0xbeef',
      timestamp: at,
      status: 'ok',
    });
    await sync(2 * 3600_000);
    expect(listCalls()).toHaveLength(2);
    const transactions = (await api.get('/platform/v2/transactions?crypto_sources=kucoin')).body.data
      .transactions as Json[];
    const deposit = transactions.find((t) => t.timestamp === at);
    expect(deposit.inputs[0].value).toMatchObject({ currency: 'USD', price_source: 'coingecko' });

    // A second "uni" listed since: UNI keeps the coin it was mapped to rather than turning ambiguous.
    coingecko.coins.push({ id: 'unicorn', symbol: 'uni', name: 'Unicorn', platforms: {} });
    await sync(COIN_LIST_MAX_AGE_MS);
    expect(listCalls()).toHaveLength(3);
    expect(await priceKey('UNI')).toBe('coin:uniswap');
    expect((await held()).UNI.value).toMatchObject({ price: '7.5' });
  });

  it('keeps using the last list through an outage: a newly held coin is mapped, valued once prices return', async () => {
    kucoin.fixture.balances.push({ asset: 'LINK', free: '3' });
    coingecko.down = true;
    await sync(COIN_LIST_MAX_AGE_MS + COIN_LIST_RETRY_MS);
    expect(listCalls()).toHaveLength(4); // tried, failed
    expect(await priceKey('LINK')).toBe('coin:chainlink');
    expect((await held()).LINK.value).toBeNull(); // no price for it yet: never invented

    coingecko.down = false;
    await sync(301_000);
    expect(listCalls()).toHaveLength(4); // the failed fetch is not retried within the hour
    expect((await held()).LINK.value).toMatchObject({ amount: '45.00', price: '15' });
  });
});
