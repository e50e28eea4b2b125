import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withVersion } from '../../src/portfolio/addresses/bitcoin-keys.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { BitcoinTestWallet, utxo } from './support/bitcoin-wallet.ts';
import { UNIVERSAL_CSV } from './support/csv-fixtures.ts';
import { EsploraServer } from './support/esplora-server.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

describe.each(testDialects())('Bitcoin addresses and xpubs through Esplora (%s)', (dialect) => {
  const wallet = new BitcoinTestWallet();
  const esplora = new EsploraServer();
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  const txid: Record<string, string> = {};
  const zpub = withVersion(wallet.account.neutered().toBase58(), 'zpub');
  const [r0, r1, r2, r5, ch0, ch1] = [
    wallet.key(0, 0),
    wallet.key(0, 1),
    wallet.key(0, 2),
    wallet.key(0, 5),
    wallet.key(1, 0),
    wallet.key(1, 1),
  ];
  const other = wallet.key(0, 0, wallet.otherAccount);
  const outsider = wallet.address(wallet.outsider);

  beforeAll(async () => {
    const o = wallet.outsider;
    const c0 = wallet.coinbase(o, 100_000_000n);
    const t1 = wallet.spend(
      [c0.utxo],
      [
        [wallet.address(r0), 50_000_000n],
        [outsider, 49_990_000n],
      ],
    );
    const t2 = wallet.spend(
      [utxo(t1, 1, o)],
      [
        [wallet.address(r1), 20_000_000n],
        [outsider, 29_980_000n],
      ],
    );
    const t3 = wallet.spend(
      [utxo(t1, 0, r0)],
      [
        [outsider, 10_000_000n],
        [wallet.address(ch0), 39_980_000n],
      ],
    );
    const t4 = wallet.spend([utxo(t2, 0, r1)], [[wallet.address(r2), 19_995_000n]]);
    const t7 = wallet.spend(
      [utxo(t3, 1, ch0)],
      [
        [wallet.address(other), 10_000_000n],
        [wallet.address(ch1), 29_970_000n],
      ],
    );
    const t5 = wallet.spend(
      [utxo(t2, 1, o)],
      [
        [wallet.address(r5), 1_000_000n],
        [outsider, 28_970_000n],
      ],
    );
    [
      [c0.tx, 100],
      [t1, 101],
      [t2, 102],
      [t3, 103],
      [t4, 104],
      [t7, 105],
      [t5, undefined],
    ].forEach(([tx, height]) => esplora.add(tx as typeof t1, height as number | undefined));
    Object.assign(txid, {
      t1: t1.getId(),
      t2: t2.getId(),
      t3: t3.getId(),
      t4: t4.getId(),
      t5: t5.getId(),
      t7: t7.getId(),
    });
    await esplora.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { ESPLORA_URL: esplora.url, COINGECKO_API_URL: 'http://127.0.0.1:9' },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `btc-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await esplora.close();
  });

  it('validates keys and addresses per chain', async () => {
    const xprv = wallet.account.toBase58();
    expect(
      (
        await api.post('/platform/v2/providers', {
          provider_id: 'bitcoin',
          connection: { type: 'wallet', address: xprv },
        })
      ).body.errors[0]!.message,
    ).toMatch(/private key/);
    expect(
      (
        await api.post('/platform/v2/providers', {
          provider_id: 'bitcoin',
          connection: { type: 'wallet', address: zpub.slice(0, -1) + (zpub.endsWith('a') ? 'b' : 'a') },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api.post('/platform/v2/providers', {
          provider_id: 'ethereum',
          connection: { type: 'wallet', address: zpub },
        })
      ).body.errors[0]!.message,
    ).toMatch(/EVM chain/);
  });

  it('scans a zpub (BIP84, gap limit) and a plain address: change, fees, internal transfers, mempool', async () => {
    const linked = await api.post('/platform/v2/providers', [
      { provider_id: 'bitcoin', display_label: 'Savings', connection: { type: 'wallet', address: zpub } },
      {
        provider_id: 'bitcoin',
        display_label: 'Spending',
        connection: { type: 'wallet', address: wallet.address(other) },
      },
    ]);
    expect(linked.status).toBe(201);
    const [accountId, addressId] = linked.body.data.map((d: Json) => d.connection_id);
    await server.kernel.jobs.drain();

    const txs = (await api.get('/platform/v2/transactions?crypto_sources=bitcoin')).body.data.transactions as Json[];
    const mine = new Map(txs.filter((t) => t.connection_id === accountId).map((t) => [t.tx_hash, t]));
    const btc = { symbol: 'BTC', name: 'Bitcoin', chain: 'bitcoin', decimals: 8 };
    expect([...mine.keys()].sort()).toEqual([txid.t1, txid.t2, txid.t3, txid.t4, txid.t5, txid.t7].sort());
    expect(mine.get(txid.t1)).toMatchObject({
      type: 'receive',
      status: 'confirmed',
      timestamp: (1_704_067_200 + 101 * 600) * 1000,
      fees: { items: [] },
    });
    expect(mine.get(txid.t1).inputs).toEqual([
      { asset: btc, quantity: '0.50000000', value: null, address: wallet.address(r0), counterparty: outsider },
    ]);
    expect(mine.get(txid.t3)).toMatchObject({
      type: 'send',
      inputs: [],
      outputs: [{ quantity: '0.10000000', counterparty: outsider }],
    });
    expect(mine.get(txid.t3).outputs).toHaveLength(1); // the change output is not a leg
    expect(mine.get(txid.t3).fees.items).toEqual([
      { asset: btc, quantity: '0.00020000', value: null, kind: 'network' },
    ]);
    expect(mine.get(txid.t4)).toMatchObject({
      type: 'output_only',
      inputs: [],
      outputs: [],
      categorization: { is_internal_transfer: true },
      fees: { items: [{ quantity: '0.00005000' }] },
    });
    expect(mine.get(txid.t5)).toMatchObject({
      type: 'receive',
      status: 'pending',
      inputs: [{ quantity: '0.01000000', address: wallet.address(r5) }],
    });
    expect(mine.get(txid.t7)).toMatchObject({
      type: 'send',
      categorization: { is_internal_transfer: true },
      outputs: [{ quantity: '0.10000000', counterparty: wallet.address(other) }],
    });
    const theirs = txs.filter((t) => t.connection_id === addressId);
    expect(theirs).toEqual([
      expect.objectContaining({
        tx_hash: txid.t7,
        type: 'receive',
        categorization: expect.objectContaining({ is_internal_transfer: true }),
        inputs: [expect.objectContaining({ quantity: '0.10000000', counterparty: wallet.address(ch0) })],
      }),
    ]);

    const assets = (await api.get('/platform/v2/assets?crypto_sources=bitcoin')).body.data.assets as Json[];
    expect(assets).toHaveLength(1);
    expect(assets[0]).toMatchObject({ asset: btc, quantity: '0.60965000' });
    expect(Object.fromEntries(assets[0].sources.map((s: Json) => [s.connection_id, s.quantity]))).toEqual({
      [accountId]: '0.50965000',
      [addressId]: '0.10000000',
    });
  });

  it("answers 206 with the failing provider in errors while the others' data is returned", async () => {
    const csv = await api.post('/platform/v2/providers', {
      provider_id: 'csv',
      connection: { type: 'csv', content: UNIVERSAL_CSV },
    });
    expect(csv.status).toBe(201);
    await server.kernel.jobs.drain();
    esplora.down = true;
    server.clock.advance(120_000);
    const refresh = await api.post('/platform/v2/assets/refresh');
    expect(refresh.status).toBe(202);
    await server.kernel.jobs.drain();
    const assets = await api.get('/platform/v2/assets');
    expect(assets.status).toBe(206);
    expect(assets.body.errors).toEqual([
      expect.objectContaining({ provider_id: 'bitcoin', cause: 'provider_unavailable' }),
      expect.objectContaining({ provider_id: 'bitcoin', cause: 'provider_unavailable' }),
    ]);
    expect(assets.body.data.assets.find((a: Json) => a.asset.symbol === 'ETH').quantity).toBe('2.259000000000000000');
    const onlyCsv = await api.get('/platform/v1/transactions?crypto_sources=csv');
    expect(onlyCsv.status).toBe(200);
    expect((await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data.status).toBe('running'); // retrying with backoff

    esplora.down = false;
    server.clock.advance(10_000);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/assets')).status).toBe(200);
    const done = (await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data;
    expect(done.status).toBe('completed');
  });
});
