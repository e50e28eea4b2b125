import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { UNIVERSAL_CSV } from '../support/csv-fixtures.ts';
import { personWithToken, type Json, type PlatformClient } from '../support/platform-client.ts';
import type { ExchangeStandIn } from './support/exchange-stand-in.ts';
import { sampleAccount, sampleHistoryStart } from './support/sample-account.ts';
import { changedLastCharacter, STAND_INS } from './support/stand-ins.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';

/** "15000.000000" → "15000": the suite compares values, not the asset's display precision. */
const plain = (amount: string) => amount.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

const cases = Object.entries(STAND_INS).flatMap(([id, entry]) => testDialects().map((d) => [id, d, entry] as const));

describe.each(cases)('exchange %s by API key, end to end (%s)', (providerId, dialect, entry) => {
  let standIn: ExchangeStandIn;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let api: PlatformClient;
  const log: string[] = [];
  const fixture = sampleAccount(entry);

  beforeAll(async () => {
    standIn = await entry.start({ fixture });
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        COINGECKO_API_URL: CLOSED_PORT_URL,
        EXCHANGE_API_URLS: JSON.stringify({ [providerId]: standIn.url }),
        // Shortly before the sample account: earlier windows (KuCoin's 7-day trade windows) would be empty calls.
        PORTFOLIO_EXCHANGE_HISTORY_START: sampleHistoryStart(),
        LOG_LEVEL: 'debug',
      },
      logStream: { write: (line) => void log.push(line) },
    }));
    const client = await createTestClient(server, {
      name: 'Tax App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `${providerId}-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close?.();
    await standIn?.close();
  });

  const link = (key: Partial<ExchangeStandIn['key']> = {}) =>
    api.post('/platform/v2/providers', {
      provider_id: providerId,
      connection: { type: 'api_key', ...standIn.key, ...key },
    });

  it('lists the exchange in the catalogue with its auth type and a logo served here', async () => {
    const catalog = await api.get('/platform/v2/providers/catalog');
    const entry = catalog.body.data.providers.find((p: Json) => p.provider_id === providerId);
    expect(entry).toMatchObject({
      category: 'exchange',
      auth_types: expect.arrayContaining(['api_key']),
      required_fields: standIn.key.passphrase ? ['api_key', 'secret_key', 'passphrase'] : ['api_key', 'secret_key'],
      status: 'available',
    });
    const logo = await fetch(entry.logo_url);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
  });

  it('refuses a key the exchange does not accept, with provider_auth_failed, and stores nothing', async () => {
    const answer = await link({ secret_key: (entry.wrongSecret ?? changedLastCharacter)(standIn.key.secret_key) });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ provider_id: providerId, cause: 'provider_auth_failed', code: 603 });
    expect((await api.get('/platform/v2/providers')).body.data.providers).toEqual([]);
  });

  it.runIf(entry.permissions)('refuses a key that can trade, saying how to make a read-only one', async () => {
    standIn.permissions = { trade: true, withdraw: false };
    try {
      const answer = await link();
      expect(answer.status).toBe(400);
      expect(answer.body.errors[0]!.message).toMatch(/can trade.*read-only/);
      expect((await api.get('/platform/v2/providers')).body.data.providers).toEqual([]);
    } finally {
      standIn.permissions = { trade: false, withdraw: false };
    }
  });

  it('links a read-only key and answers every balance and transaction, filtered by crypto_sources', async () => {
    const linked = await link();
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers;
    expect(providers).toMatchObject([{ provider_id: providerId, auth_type: 'api_key', status: 'connected' }]);

    const assets = (await api.get(`/platform/v2/assets?crypto_sources=${providerId}`)).body.data.assets as Json[];
    const held = Object.fromEntries(assets.map((a) => [a.asset.symbol, plain(a.quantity)]));
    expect(held).toEqual({ BTC: '0.75', USDT: '1500.5', ETH: '2' });

    const answer = await api.get(`/platform/v2/transactions?crypto_sources=${providerId}&limit=100`);
    expect(answer.status).toBe(200);
    const transactions = answer.body.data.transactions as Json[];
    const legs = (list: Json[]) => list.map((l) => `${plain(l.quantity)} ${l.asset.symbol}`);
    const fees = (tx: Json) => tx.fees.items.map((f: Json) => `${plain(f.quantity)} ${f.asset.symbol} ${f.kind}`);
    const trades = transactions.filter(
      (t) => t.categorization.category === 'trade' && t.description?.match(/Bought|Sold/),
    );
    expect(trades.map((t) => [t.type, legs(t.inputs), legs(t.outputs), fees(t)])).toEqual(
      expect.arrayContaining([
        [
          'input_output',
          ['0.5 BTC'],
          ['15000 USDT'],
          [entry.buyFee === 'base' ? '0.0005 BTC exchange' : '15 USDT exchange'],
        ],
        ['input_output', ['3500 USDT'], ['0.1 BTC'], ['3.5 USDT exchange']],
      ]),
    );
    const deposits = transactions.filter((t) => t.categorization.category === 'deposit');
    expect(deposits.map((t) => [t.type, legs(t.inputs), t.status]).sort()).toEqual([
      ['receive', ['0.4 BTC'], 'confirmed'],
      ['receive', ['20000 USDT'], 'confirmed'],
    ]);
    const withdrawals = transactions.filter((t) => t.categorization.category === 'withdrawal');
    expect(withdrawals.map((t) => [t.type, legs(t.outputs), fees(t)])).toEqual([
      ['send', ['1 ETH'], entry.withdrawalFee === false ? [] : ['0.002 ETH network']],
    ]);
    if (entry.rewards) {
      const rewards = transactions.filter((t) => t.categorization.category === 'staking_reward');
      expect(rewards.map((t) => [t.type, legs(t.inputs)])).toEqual([['input_only', ['0.01 ETH']]]);
    }
    if (entry.conversions) {
      const conversions = transactions.filter(
        (t) => t.categorization.category === 'trade' && !t.description?.match(/Bought|Sold/),
      );
      expect(conversions.map((t) => [t.type, legs(t.inputs), legs(t.outputs)])).toEqual([
        ['input_output', ['0.05 ETH'], ['100 USDT']],
      ]);
    }
    for (const tx of transactions) {
      expect(tx).toMatchObject({ provider_id: providerId, external_id: expect.any(String) });
      expect(tx.categorization.source).toBe('provider');
    }
    const v1 = await api.get(`/platform/v1/transactions?crypto_sources=${providerId}&limit=100`);
    expect(v1.status).toBe(200);
    expect(v1.body.data.transactions).toHaveLength(transactions.length);
  });

  it('syncs again without duplicates, waiting out a rate limit for exactly its Retry-After', async () => {
    const before = (await api.get(`/platform/v2/transactions?crypto_sources=${providerId}&limit=100`)).body.data
      .transactions.length;
    server.clock.advance(120_000);
    standIn.rateLimitOnce(1);
    const started = Date.now();
    expect((await api.post('/platform/v2/transactions/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const providers = (await api.get('/platform/v2/providers')).body.data.providers;
    expect(providers[0]).toMatchObject({ status: 'connected' });
    const after = (await api.get(`/platform/v2/transactions?crypto_sources=${providerId}&limit=100`)).body.data
      .transactions;
    expect(after).toHaveLength(before);
  });

  it('turns a revoked key into needs_reauth and answers 206 while other providers keep answering', async () => {
    const csv = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: UNIVERSAL_CSV },
    });
    expect(csv.status).toBe(201);
    await server.kernel.jobs.drain();
    standIn.revokeKey();
    server.clock.advance(120_000);
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    const exchange = providers.find((p) => p.provider_id === providerId);
    expect(exchange).toMatchObject({ status: 'needs_reauth', error: { cause: 'provider_auth_failed' } });
    const assets = await api.get('/platform/v2/assets');
    expect(assets.status).toBe(206);
    expect(assets.body.errors).toEqual([
      expect.objectContaining({ provider_id: providerId, cause: 'provider_auth_failed' }),
    ]);
    expect(assets.body.data.assets.length).toBeGreaterThan(0);
  });

  it('never writes the key or its secret to the log', () => {
    expect(log.length).toBeGreaterThan(10);
    const text = log.join('\n');
    for (const secret of [standIn.key.secret_key, standIn.key.api_key, standIn.key.passphrase].filter(Boolean))
      expect(text).not.toContain(secret!.slice(0, 24));
  });
});
