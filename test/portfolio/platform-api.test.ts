import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { KRAKEN_LEDGER_CSV, UNIVERSAL_CSV } from './support/csv-fixtures.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

const CLOSED_PORT_URL = 'http://127.0.0.1:9';

describe.each(testDialects())('Platform API with CSV sources (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { COINGECKO_API_URL: CLOSED_PORT_URL, ESPLORA_URL: CLOSED_PORT_URL },
    }));
    client = await createTestClient(server, {
      name: 'Tax App',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, 'csv-person@example.com'));
  });
  afterAll(() => close());

  it('lists the catalogue to any valid token and refuses a missing token in the envelope', async () => {
    const catalog = await api.get('/platform/v2/providers/catalog');
    expect(catalog.status).toBe(200);
    const ids = catalog.body.data.providers.map((p: { provider_id: string }) => p.provider_id);
    // The exchanges first (each of their own suites checks its entry), then the seven default EVM
    // networks, Bitcoin, Solana and the CSV import.
    expect(ids.slice(-10)).toEqual([
      'ethereum',
      'base',
      'arbitrum',
      'optimism',
      'polygon',
      'bsc',
      'avalanche',
      'bitcoin',
      'solana',
      'csv',
    ]);
    expect(catalog.body.data.providers.at(-1)).toMatchObject({
      category: 'exchange',
      auth_types: ['csv'],
      csv_formats: ['universal', 'kraken'],
      status: 'available',
    });

    const anonymous = await fetch(`${server.url}/platform/v2/providers`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('resource_metadata=');
    expect(await anonymous.json()).toMatchObject({ data: null, errors: [{ cause: 'unauthorized' }] });
  });

  it("needs the endpoint's scope: 403 in the envelope with the RFC 6750 challenge", async () => {
    const { api: narrow } = await personWithToken(
      server,
      smtp,
      client,
      `narrow-${dialect}@example.com`,
      'read:providers',
    );
    expect((await narrow.get('/platform/v2/providers')).status).toBe(200);
    const refused = await narrow.get('/platform/v2/transactions');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="read:transactions"/);
    expect(refused.body).toEqual({
      data: null,
      errors: [{ cause: 'forbidden', code: 602, message: expect.stringContaining('read:transactions') }],
    });
    expect(
      (
        await narrow.post('/platform/v1/provider', {
          provider_id: 'csv',
          connection: { type: 'csv', content: UNIVERSAL_CSV },
        })
      ).status,
    ).toBe(403);
    const badToken = await fetch(`${server.url}/platform/v1/assets`, {
      headers: { authorization: 'Bearer not-a-jwt' },
    });
    expect(badToken.status).toBe(401);
    expect(await badToken.json()).toMatchObject({ data: null, errors: [{ cause: 'unauthorized' }] });
  });

  it('imports a universal CSV: transactions typed from their legs, balances from the rows', async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      display_label: 'My exchange export',
      connection: { type: 'csv', content: UNIVERSAL_CSV },
    });
    expect(linked.status).toBe(201);
    expect(linked.body).toMatchObject({ data: { added: true }, errors: [] });
    await server.kernel.jobs.drain();

    const providers = await api.get('/platform/v2/providers');
    expect(providers.body.data.providers).toHaveLength(1);
    expect(providers.body.data.providers[0]).toMatchObject({
      connection_id: linked.body.data.connection_id,
      provider_id: 'csv',
      display_label: 'My exchange export',
      auth_type: 'csv',
      status: 'connected',
    });
    expect(JSON.stringify(providers.body)).not.toContain('FAKECOIN'); // credentials never come back

    const txs = await api.get('/platform/v2/transactions');
    expect(txs.status).toBe(200);
    const byTime = new Map<number, Json>(
      txs.body.data.transactions.map((t: { timestamp: number }) => [t.timestamp, t]),
    );
    const trade = byTime.get(Date.UTC(2024, 0, 6, 10)) as Json;
    expect(trade).toMatchObject({
      type: 'input_output',
      status: 'confirmed',
      categorization: { category: 'trade', is_internal_transfer: false, is_spam: false, source: 'provider' },
    });
    expect(trade.inputs).toEqual([
      { asset: { symbol: 'ETH', name: 'Ether', decimals: 18 }, quantity: '2.250000000000000000', value: null },
    ]);
    expect(trade.outputs[0]).toMatchObject({ asset: { symbol: 'BTC' }, quantity: '0.10000000' });
    expect(trade.fees.items).toEqual([
      {
        asset: { symbol: 'ETH', name: 'Ether', decimals: 18 },
        quantity: '0.001000000000000000',
        value: null,
        kind: 'exchange',
      },
    ]);
    expect(trade.fees.total).toBeNull();
    expect((byTime.get(Date.UTC(2024, 2, 1, 9, 30)) as Json).type).toBe('output_only');
    expect((byTime.get(Date.UTC(2024, 1, 1)) as Json).categorization.category).toBe('staking_reward');
    expect(txs.body.data.transactions.map((t: { timestamp: number }) => t.timestamp)).toEqual(
      [...byTime.keys()].sort((a, b) => b - a),
    );

    const assets = await api.get('/platform/v2/assets');
    const bySymbol = Object.fromEntries(
      assets.body.data.assets.map((a: { asset: { symbol: string } }) => [a.asset.symbol, a]),
    );
    expect(bySymbol.BTC.quantity).toBe('0.34990000');
    expect(bySymbol.ETH.quantity).toBe('2.259000000000000000');
    expect(bySymbol.FAKECOIN.quantity).toBe('100.000000000000000000');
    expect(bySymbol.BTC.sources).toEqual([
      expect.objectContaining({
        provider_id: 'csv',
        connection_id: linked.body.data.connection_id,
        quantity: '0.34990000',
        value: null,
      }),
    ]);
    expect(assets.body.data.total_value).toBeNull();
  });

  it('serves v1 from the same implementation (with the same paging)', async () => {
    const v1 = await api.get('/platform/v1/transactions?limit=2');
    const v2 = await api.get('/platform/v2/transactions?limit=2');
    expect(v1.body.data.transactions).toEqual(v2.body.data.transactions);
    expect(v1.body.data.page).toMatchObject({ has_more: true, limit: 2 });
    expect(v2.body.data.page).toMatchObject({ has_more: true, limit: 2 });
    expect((await api.get('/platform/v1/provider')).body.data.providers).toHaveLength(1);
  });

  it('reads a Kraken ledger export and consolidates BTC across both files', async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', format: 'kraken', content: KRAKEN_LEDGER_CSV },
    });
    expect(linked.status).toBe(201);
    await server.kernel.jobs.drain();
    const txs = await api.get('/platform/v2/transactions?crypto_sources=csv&asset_symbols=USD');
    const trade = txs.body.data.transactions.find((t: { external_id: string }) => t.external_id === 'kraken:T1');
    expect(trade).toMatchObject({
      type: 'input_output',
      inputs: [{ asset: { symbol: 'BTC' }, quantity: '0.01000000' }],
      outputs: [{ asset: { symbol: 'USD' }, quantity: '600.00' }],
    });
    expect(trade.fees.items[0]).toMatchObject({
      quantity: '1.56',
      value: { amount: '1.56', currency: 'USD', price: '1' },
    });
    const assets = await api.get('/platform/v2/assets?asset_symbols=btc,usd');
    const btc = assets.body.data.assets.find((a: { asset: { symbol: string } }) => a.asset.symbol === 'BTC');
    expect(btc.quantity).toBe('0.35480000');
    expect(btc.sources.map((s: { quantity: string }) => s.quantity).sort()).toEqual(['0.00490000', '0.34990000']);
    expect(assets.body.data.assets.find((a: { asset: { symbol: string } }) => a.asset.symbol === 'USD')).toMatchObject({
      quantity: '398.44',
      value: { amount: '398.44' },
    });
    expect(assets.body.data.total_value).toEqual({ amount: '398.44', currency: 'USD' });
  });

  it('rejects a CSV with bad rows, line by line, and stores nothing', async () => {
    const bad = [
      UNIVERSAL_CSV.split('\n')[0],
      '2024-01-05T10:00:00Z,abc,BTC,,,,,',
      'yesterday,1,ETH,,,,,',
      '2024-01-07T00:00:00Z,1,ETH,,,,,lottery',
      '2024-01-08T00:00:00Z,1,ETH,,,,,',
    ].join('\n');
    const before = (await api.get('/platform/v2/providers')).body.data.providers.length;
    const answer = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: bad },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/^line 2: Received Quantity "abc"/),
      expect.stringMatching(/^line 3: Date "yesterday"/),
      expect.stringMatching(/^line 4: Tag "lottery" is unknown/),
    ]);
    expect(answer.body.errors.every((e) => e.cause === 'bad_request' && e.provider_id === 'csv')).toBe(true);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toHaveLength(before);
    const missing = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: 'a,b\n1,2' },
    });
    expect(missing.body.errors[0]!.message).toMatch(/line 1: missing column\(s\): Date/);
  });

  it('answers bad links with clear errors and links nothing when every item of an array fails', async () => {
    const cases: Array<[unknown, number, string, RegExp]> = [
      [
        { provider_id: 'mtgox', connection: { type: 'api_key', api_key: 'k', secret_key: 's' } },
        404,
        'not_found',
        /not in the catalogue/,
      ],
      [
        { provider_id: 'ethereum', connection: { type: 'wallet', address: '0x1234' } },
        400,
        'bad_request',
        /not an EVM address/,
      ],
      [
        {
          provider_id: 'ethereum',
          connection: { type: 'wallet', address: '0x52908400098527886E0F7030069857D2E4169Ee7' },
        },
        400,
        'bad_request',
        /checksum/,
      ],
      [
        {
          provider_id: 'ethereum',
          connection: { type: 'wallet', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' },
        },
        400,
        'bad_request',
        /Bitcoin address.*EVM chain/,
      ],
      [
        {
          provider_id: 'bitcoin',
          connection: { type: 'wallet', address: '0x52908400098527886E0F7030069857D2E4169EE7' },
        },
        400,
        'bad_request',
        /EVM address/,
      ],
      [
        {
          provider_id: 'bitcoin',
          connection: { type: 'wallet', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdx' },
        },
        400,
        'bad_request',
        /checksum/,
      ],
      [
        {
          provider_id: 'bitcoin',
          connection: { type: 'wallet', address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq', chain: 'ethereum' },
        },
        400,
        'bad_request',
        /chain ethereum is not served/,
      ],
      [
        { provider_id: 'ethereum', connection: { type: 'api_key', api_key: 'k', secret_key: 's' } },
        400,
        'bad_request',
        /does not accept api_key/,
      ],
      [{ provider_id: 'ethereum', connection: { type: 'magic' } }, 400, 'bad_request', /connection must be one of/],
      [
        { provider_id: 'csv', connection: { type: 'csv', format: 'mtgox', content: 'x' } },
        400,
        'bad_request',
        /format mtgox is unknown/,
      ],
    ];
    for (const [body, status, cause, message] of cases) {
      const answer = await api.post('/platform/v2/providers', body);
      expect({ status: answer.status, cause: answer.body.errors[0]?.cause }, JSON.stringify(body)).toEqual({
        status,
        cause,
      });
      expect(answer.body.errors[0]!.message).toMatch(message);
    }
    const before = (await api.get('/platform/v2/providers')).body.data.providers.length;
    const allBad = await api.post('/platform/v2/providers', [
      { provider_id: 'ethereum', connection: { type: 'wallet', address: '0x5290840009852788' } },
      { provider_id: 'bitcoin', connection: { type: 'wallet', address: 'not-an-address' } },
    ]);
    expect(allBad.status).toBe(400);
    expect(allBad.body.errors).toEqual([
      expect.objectContaining({ provider_id: 'ethereum', cause: 'bad_request' }),
      expect.objectContaining({ provider_id: 'bitcoin', cause: 'bad_request' }),
    ]);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toHaveLength(before);
  });

  it('refuses a duplicate link with 409', async () => {
    const again = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: UNIVERSAL_CSV },
    });
    expect(again.status).toBe(409);
    expect(again.body.errors[0]).toMatchObject({ provider_id: 'csv', cause: 'conflict' });
  });

  it('checks query parameters', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'start_time=200000000000&end_time=100000000000',
        /start_time \(200000000000\) is after end_time \(100000000000\)/,
      ],
      ['limit=0', /limit must be between 1 and 100/],
      ['limit=101', /limit must be between 1 and 100/],
      ['limit=-5', /limit must be between 1 and 100/],
      ['limit=ten', /limit must be an integer/],
      ['start_time=yesterday', /start_time must be an integer \(Unix epoch milliseconds\)/],
      ['crypto_sources=mtgox', /"mtgox" is not a provider/],
      ['cursor=abc', /cursor is invalid/],
    ];
    for (const path of [
      '/platform/v2/transactions',
      '/platform/v2/assets',
      '/platform/v1/transactions',
      '/platform/v1/assets',
    ]) {
      for (const [query, message] of cases) {
        const answer = await api.get(`${path}?${query}`);
        expect(answer.status, `${path}?${query}`).toBe(400);
        expect(answer.body).toMatchObject({ data: null, errors: [{ cause: 'bad_request' }] });
        expect(answer.body.errors[0]!.message).toMatch(message);
      }
    }
    const first = await api.get('/platform/v2/transactions?limit=1');
    const withFilter = await api.get(
      `/platform/v2/transactions?cursor=${encodeURIComponent(first.body.data.page.next_cursor)}&asset_symbols=BTC`,
    );
    expect(withFilter.status).toBe(400);
    expect(withFilter.body.errors[0]!.message).toMatch(/do not send asset_symbols with it/);
  });

  it("pages with an opaque keyset cursor that keeps the first page's filters", async () => {
    const all = (await api.get('/platform/v2/transactions?limit=100&asset_symbols=BTC')).body.data.transactions.map(
      (t: { id: string }) => t.id,
    );
    expect(all.length).toBeGreaterThanOrEqual(5);
    const seen: string[] = [];
    let answer = await api.get('/platform/v2/transactions?limit=2&asset_symbols=BTC');
    for (;;) {
      seen.push(...answer.body.data.transactions.map((t: { id: string }) => t.id));
      if (!answer.body.data.page.has_more) break;
      expect(answer.body.data.page.next_cursor).toEqual(expect.any(String));
      answer = await api.get(
        `/platform/v2/transactions?limit=2&cursor=${encodeURIComponent(answer.body.data.page.next_cursor)}`,
      );
    }
    expect(seen).toEqual(all);
    expect(answer.body.data.page.next_cursor).toBeNull();

    const window = await api.get(
      `/platform/v2/transactions?start_time=${Date.UTC(2024, 0, 6)}&end_time=${Date.UTC(2024, 1, 1)}`,
    );
    expect(window.body.data.transactions.map((t: { timestamp: number }) => t.timestamp)).toEqual([
      Date.UTC(2024, 1, 1),
      Date.UTC(2024, 0, 6, 10),
    ]);

    const assetsPage = await api.get('/platform/v2/assets?limit=1');
    expect(assetsPage.body.data.assets).toHaveLength(1);
    const next = await api.get(
      `/platform/v2/assets?limit=1&cursor=${encodeURIComponent(assetsPage.body.data.page.next_cursor)}`,
    );
    expect(next.body.data.assets[0].asset.symbol).not.toBe(assetsPage.body.data.assets[0].asset.symbol);
  });

  it('refreshes asynchronously, at most once per connection per cooldown (429 + Retry-After)', async () => {
    const queued = await api.post('/platform/v2/transactions/refresh');
    expect(queued.status).toBe(202);
    expect(queued.body.data).toMatchObject({ status: 'queued', refresh_id: expect.any(String) });
    expect(queued.body.data.connections.length).toBeGreaterThanOrEqual(2);
    const limited = await api.post('/platform/v1/assets/refresh');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.body.errors[0]!.cause).toBe('rate_limited');
    await server.kernel.jobs.drain();
    const done = await api.get(`/platform/v2/refresh/${queued.body.data.refresh_id}`);
    expect(done.body.data.status).toBe('completed');
    expect(done.body.data.connections.every((c: { status: string }) => c.status === 'completed')).toBe(true);
    expect((await api.get('/platform/v2/refresh/nope')).status).toBe(404);
    server.clock.advance(61_000);
    expect((await api.post('/platform/v1/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
  });

  it('unlinks by connection id (its data goes with it) and 404s unknown ones', async () => {
    const providers = (await api.get('/platform/v2/providers')).body.data.providers;
    const kraken = providers.find((p: { display_label: string }) => p.display_label.includes('kraken'));
    expect((await api.delete('/platform/v2/providers', { connection_ids: ['nope'] })).status).toBe(404);
    const removed = await api.delete('/platform/v2/providers', { connection_ids: [kraken.connection_id] });
    expect(removed.body).toEqual({ data: { deleted: true, connection_ids: [kraken.connection_id] }, errors: [] });
    const txs = await api.get('/platform/v2/transactions?limit=100');
    expect(
      txs.body.data.transactions.some((t: { connection_id: string }) => t.connection_id === kraken.connection_id),
    ).toBe(false);
    expect((await api.get('/platform/v2/assets?asset_symbols=USD')).body.data.assets).toEqual([]);
  });
});
