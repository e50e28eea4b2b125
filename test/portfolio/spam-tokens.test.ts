import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getAddress, parseUnits, type Address, type Hash, type PrivateKeyAccount } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain, anvilChainsEnv } from './support/anvil-chain.ts';
import { CoinGeckoServer } from './support/coingecko-server.ts';
import { EtherscanServer } from './support/etherscan-server.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

const PLATFORM = 'ethereum';
const API_KEY = 'test-etherscan-key';

describe.each(testDialects())('spam tokens, judged per person and kept out of totals (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const coingecko = new CoinGeckoServer();
  const listDir = mkdtempSync(join(tmpdir(), 'consentry-spam-'));
  let etherscan: EtherscanServer;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let aliceKey: PrivateKeyAccount;
  let alice: Address;
  let dave: Address;
  /** Tokens by symbol: RWD advertises a site, DROP and LATE are unpriced airdrops, USDC is priced, LST is listed, ALC is Alice's own. */
  const tokens = {} as Record<'RWD' | 'DROP' | 'LATE' | 'USDC' | 'LST' | 'ALC', Address>;
  const drops = {} as Record<'RWD' | 'DROP' | 'LATE' | 'USDC' | 'LST', Hash>;

  beforeAll(async () => {
    await coingecko.start();
    const funder = await chain.newAccount('100');
    const startBlock = Number(await chain.public.getBlockNumber()) + 1;
    const multicall = getAddress(await chain.deployMulticall(funder));
    aliceKey = await chain.newAccount();
    const carol = await chain.newAccount('5');
    alice = aliceKey.address;
    dave = (await chain.newAccount()).address;
    await chain.sendEth(funder, alice, '10');
    const airdrop = async (name: string, symbol: keyof typeof drops, decimals: number, amount: string) => {
      const token = await chain.deployToken(carol, name, symbol, decimals, parseUnits('1000000', decimals));
      tokens[symbol] = getAddress(token.address);
      drops[symbol] = await chain.callToken(carol, token.address, 'transfer', [alice, parseUnits(amount, decimals)]);
    };
    await airdrop('Visit rewards-eth.com to claim', 'RWD', 18, '1000');
    await airdrop('Drop Token', 'DROP', 18, '50');
    await airdrop('Late Listing', 'LATE', 18, '20');
    await airdrop('USD Coin', 'USDC', 6, '250');
    await airdrop('Listed Token', 'LST', 18, '10');
    tokens.ALC = getAddress((await chain.deployToken(aliceKey, 'Alice Token', 'ALC', 18, parseUnits('7', 18))).address);

    // The stand-in prices a contract as the coin it lists it under.
    coingecko.tokens[PLATFORM] = { [tokens.USDC.toLowerCase()]: 'usd-coin', [tokens.LST.toLowerCase()]: 'test-lst' };
    coingecko.current['test-lst'] = 5;
    // The operator's own list names LST (checksummed: EVM addresses match in any case).
    const listFile = join(listDir, 'spam.json');
    writeFileSync(listFile, JSON.stringify({ tokens: [{ chain: 'anvil', contract: tokens.LST, note: 'test' }] }));

    etherscan = new EtherscanServer(chain.rpcUrl, startBlock, { chainId: 31337, apiKey: API_KEY });
    await etherscan.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        EVM_CHAINS: anvilChainsEnv(chain.rpcUrl, {
          indexerUrl: `${etherscan.url}?chainid=31337`,
          indexerApiKey: API_KEY,
          indexerCallsPerSecond: 1000,
          multicall3: multicall,
          coingeckoId: 'ethereum',
          coingeckoPlatform: PLATFORM,
        }),
        COINGECKO_API_URL: coingecko.url,
        // The stand-in has no rate limit of its own; the keyless default (5 a minute) would hold prices back.
        COINGECKO_CALLS_PER_MINUTE: '1000',
        PORTFOLIO_SPAM_TOKENS_FILE: listFile,
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `spam-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await etherscan.close();
    await coingecko.close();
    rmSync(listDir, { recursive: true, force: true });
  });

  const assetsOf = async (query = '', version = 'v2') => {
    const answer = await api.get(`/platform/${version}/assets?crypto_sources=anvil${query}`);
    expect(answer.status).toBe(200);
    const bySymbol = new Map<string, Json>((answer.body.data.assets as Json[]).map((a) => [a.asset.symbol, a]));
    return { bySymbol, total: answer.body.data.total_value as Json };
  };
  const transactionsOf = async (query = '') => {
    const answer = await api.get(`/platform/v2/transactions?limit=100&crypto_sources=anvil${query}`);
    expect(answer.status).toBe(200);
    return new Map<string, Json>((answer.body.data.transactions as Json[]).map((t) => [t.tx_hash, t]));
  };
  const cents = (value: Json) => BigInt(value.amount.replace('.', ''));
  /** Why each token is spam for the person, by symbol, as stored. */
  const reasons = async () => {
    const rows = await server.kernel.database.db
      .selectFrom('portfolio_spam_assets as s')
      .innerJoin('portfolio_assets as a', 'a.id', 's.asset_id')
      .select(['a.symbol', 's.reason'])
      .execute();
    return Object.fromEntries(rows.map((r) => [r.symbol, r.reason]));
  };

  it('flags the airdrops that are spam, keeps them out of /assets and total_value unless asked', async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'anvil',
      connection: { type: 'wallet', address: alice },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/providers')).body.data.providers[0].status).toBe('connected');

    // Each rule, first match winning: the list beats a price, a site in the name beats the airdrop rule.
    expect(await reasons()).toEqual({
      LST: 'listed',
      RWD: 'link_in_name',
      DROP: 'unpriced_airdrop',
      LATE: 'unpriced_airdrop',
    });
    const shown = await assetsOf();
    expect([...shown.bySymbol.keys()].sort()).toEqual(['ALC', 'ETH', 'USDC']);
    for (const position of shown.bySymbol.values()) expect(position.asset.is_spam).toBe(false);
    // The real, priced token another wallet sent is no spam: it is valued and counted.
    expect(shown.bySymbol.get('USDC')).toMatchObject({
      asset: { symbol: 'USDC', contract_address: tokens.USDC, decimals: 6, is_spam: false },
      quantity: '250.000000',
      value: { amount: '250.00', currency: 'USD' },
    });
    expect(shown.bySymbol.get('ALC').value).toBeNull();
    const eth = shown.bySymbol.get('ETH');
    expect(cents(shown.total)).toBe(cents(eth.value) + 25_000n);

    const all = await assetsOf('&include_spam=true');
    expect([...all.bySymbol.keys()].sort()).toEqual(['ALC', 'DROP', 'ETH', 'LATE', 'LST', 'RWD', 'USDC']);
    expect(all.bySymbol.get('RWD').asset).toEqual({
      symbol: 'RWD',
      name: 'Visit rewards-eth.com to claim',
      chain: 'anvil',
      contract_address: tokens.RWD,
      decimals: 18,
      is_spam: true,
    });
    for (const symbol of ['DROP', 'LATE', 'LST']) expect(all.bySymbol.get(symbol).asset.is_spam).toBe(true);
    for (const symbol of ['ALC', 'ETH', 'USDC']) expect(all.bySymbol.get(symbol).asset.is_spam).toBe(false);
    // LST is priced (5 USD) yet listed: shown with its value, never counted.
    expect(all.bySymbol.get('LST').value).toMatchObject({ amount: '50.00' });
    expect(all.total).toEqual(shown.total);

    // v1 answers from the same implementation.
    const v1 = await assetsOf('', 'v1');
    expect([...v1.bySymbol.keys()].sort()).toEqual(['ALC', 'ETH', 'USDC']);
    expect(v1.total).toEqual(shown.total);
  });

  it('hides spam transactions by default and marks them when include_spam=true', async () => {
    const shown = await transactionsOf();
    const all = await transactionsOf('&include_spam=true');
    for (const symbol of ['RWD', 'DROP', 'LATE', 'LST'] as const) {
      expect(shown.has(drops[symbol])).toBe(false);
      expect(all.get(drops[symbol])).toMatchObject({
        type: 'receive',
        categorization: { is_spam: true },
        inputs: [{ asset: { contract_address: tokens[symbol] } }],
        fees: { items: [] },
      });
    }
    expect(shown.get(drops.USDC)).toMatchObject({ type: 'receive', categorization: { is_spam: false } });
    expect(all.size - shown.size).toBe(4);
    for (const tx of shown.values()) expect(tx.categorization.is_spam).toBe(false);
  });

  it('documents include_spam and Asset.is_spam in both OpenAPI documents', async () => {
    for (const version of ['v1', 'v2']) {
      const document = (await (await fetch(`${server.url}/platform/${version}/openapi.json`)).json()) as Json;
      expect(document.components.schemas.Asset.properties.is_spam).toMatchObject({ type: 'boolean' });
      expect(document.components.schemas.Asset.required).not.toContain('is_spam');
      for (const path of ['/assets', '/transactions']) {
        const parameters = document.paths[path].get.parameters as Json[];
        expect(parameters.find((p) => p.name === 'include_spam')).toMatchObject({
          in: 'query',
          required: false,
          schema: { type: 'string' },
        });
      }
    }
  });

  it('refuses an include_spam that is not true or false, and one sent beside a cursor', async () => {
    for (const path of ['/platform/v2/assets', '/platform/v1/assets', '/platform/v2/transactions']) {
      for (const value of ['yes', '1', 'TRUE', '']) {
        const answer = await api.get(`${path}?include_spam=${value}`);
        expect(answer.status, `${path} include_spam=${value}`).toBe(400);
        expect(answer.body.errors[0]).toMatchObject({
          cause: 'bad_request',
          message: `include_spam must be true or false (got "${value}")`,
        });
      }
    }
    const first = await api.get('/platform/v2/transactions?limit=1&include_spam=true');
    expect(first.body.data.page.has_more).toBe(true);
    const next = await api.get(
      `/platform/v2/transactions?cursor=${encodeURIComponent(first.body.data.page.next_cursor)}&include_spam=false`,
    );
    expect(next.status).toBe(400);
    expect(next.body.errors[0]!.message).toMatch(/do not send include_spam with it/);
    // The cursor remembers include_spam: the second page still lists spam.
    const pages = [first.body.data.transactions[0]];
    let cursor: string | null = first.body.data.page.next_cursor;
    while (cursor) {
      const page = await api.get(`/platform/v2/transactions?cursor=${encodeURIComponent(cursor)}`);
      pages.push(...page.body.data.transactions);
      cursor = page.body.data.page.next_cursor;
    }
    expect(pages.filter((t: Json) => t.categorization.is_spam)).toHaveLength(4);
  });

  it('clears a verdict when the facts change: the person sends the token, or it gains a price', async () => {
    const sent = await chain.callToken(aliceKey, tokens.DROP, 'transfer', [dave, parseUnits('5', 18)]);
    coingecko.tokens[PLATFORM]![tokens.LATE.toLowerCase()] = 'test-late';
    coingecko.current['test-late'] = 0.5;
    server.clock.advance(600_000); // past the refresh cooldown and the price cache's lifetime
    const refresh = await api.post('/platform/v2/assets/refresh');
    expect(refresh.status).toBe(202);
    await server.kernel.jobs.drain();
    expect((await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data.status).toBe('completed');

    expect(await reasons()).toEqual({ LST: 'listed', RWD: 'link_in_name' });
    const shown = await assetsOf();
    expect([...shown.bySymbol.keys()].sort()).toEqual(['ALC', 'DROP', 'ETH', 'LATE', 'USDC']);
    expect(shown.bySymbol.get('DROP')).toMatchObject({ asset: { is_spam: false }, quantity: '45.000000000000000000' });
    expect(shown.bySymbol.get('LATE')).toMatchObject({ asset: { is_spam: false }, value: { amount: '10.00' } });
    const eth = shown.bySymbol.get('ETH');
    expect(cents(shown.total)).toBe(cents(eth.value) + 25_000n + 1_000n);

    const transactions = await transactionsOf();
    expect(transactions.get(drops.DROP).categorization.is_spam).toBe(false);
    expect(transactions.get(drops.LATE).categorization.is_spam).toBe(false);
    expect(transactions.get(sent)).toMatchObject({ type: 'send', categorization: { is_spam: false } });
    expect(transactions.has(drops.RWD)).toBe(false);
    expect(transactions.has(drops.LST)).toBe(false);
  });

  it("judges per person, over all their wallets: unlinking the wallet that sent a token makes the other's copy an airdrop again", async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'anvil',
      connection: { type: 'wallet', address: dave },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    // Dave got DROP from Alice unasked, but Alice's wallet is the same person's: not spam.
    const both = await assetsOf();
    expect(both.bySymbol.get('DROP')).toMatchObject({ asset: { is_spam: false }, quantity: '50.000000000000000000' });
    expect(both.bySymbol.get('DROP').sources).toHaveLength(2);

    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    const aliceConnection = providers.find((p) => p.connection_id !== linked.body.data.connection_id);
    const removed = await api.delete('/platform/v2/providers', { connection_ids: [aliceConnection.connection_id] });
    expect(removed.status).toBe(200);
    expect(await reasons()).toEqual({ LST: 'listed', RWD: 'link_in_name', DROP: 'unpriced_airdrop' });
    const left = await assetsOf();
    expect(left.bySymbol.has('DROP')).toBe(false);
    const all = await transactionsOf('&include_spam=true');
    expect([...all.values()]).toMatchObject([
      { type: 'receive', categorization: { is_spam: true }, inputs: [{ asset: { symbol: 'DROP' } }] },
    ]);
    expect((await transactionsOf()).size).toBe(0);
  });
});
