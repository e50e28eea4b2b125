import { getBase58Decoder } from '@solana/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { BitcoinTestWallet } from './support/bitcoin-wallet.ts';
import { EsploraServer } from './support/esplora-server.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';
import { TOKEN_PROGRAM } from './support/solana/programs.ts';
import { SolanaRpcServer } from './support/solana/solana-rpc-server.ts';
import { SOL, solanaScenario, type SolanaScenario } from './support/solana/solana-scenario.ts';
import { sendTransaction, systemTransfer, tokenTransferChecked } from './support/solana/solana-test-wallet.ts';

describe.each(testDialects())('Solana wallets through @solana/kit (%s)', (dialect) => {
  const bitcoin = new BitcoinTestWallet();
  const esplora = new EsploraServer();
  let world: SolanaScenario;
  let node: SolanaRpcServer;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let solanaId: string;
  const btcAddress = bitcoin.address(bitcoin.key(0, 0));
  const solAsset = { symbol: 'SOL', name: 'Solana', chain: 'solana', decimals: 9 };
  const link = (address: string, provider = 'solana') =>
    api.post('/platform/v2/providers', { provider_id: provider, connection: { type: 'wallet', address } });
  const solanaTransactions = async () =>
    (await api.get('/platform/v2/transactions?crypto_sources=solana&limit=100')).body.data.transactions as Json[];

  beforeAll(async () => {
    world = await solanaScenario();
    node = new SolanaRpcServer(world.bank);
    await node.start();
    esplora.add(bitcoin.coinbase(bitcoin.key(0, 0), 50_000_000n).tx, 100);
    await esplora.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        SOLANA_RPC_URL: node.url,
        // Two signatures a step, so the history pages back several times per address.
        SOLANA_SIGNATURES_PER_PAGE: '2',
        ESPLORA_URL: esplora.url,
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `sol-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await node.close();
    await esplora.close();
  });

  it('lists Solana in the catalogue and refuses addresses of other chains, naming the right one', async () => {
    const catalog = (await api.get('/platform/v2/providers/catalog')).body.data.providers as Json[];
    expect(catalog.find((p) => p.provider_id === 'solana')).toEqual({
      provider_id: 'solana',
      name: 'Solana',
      category: 'blockchain',
      auth_types: ['wallet'],
      chains: ['solana'],
      status: 'available',
      logo_url: `${server.url}/portfolio/logos/solana.svg`,
    });
    const evm = await link('0x52908400098527886E0F7030069857D2E4169EE7');
    expect(evm.status).toBe(400);
    expect(evm.body.errors[0]).toMatchObject({ provider_id: 'solana', cause: 'bad_request' });
    expect(evm.body.errors[0]!.message).toMatch(/EVM address.*this provider is Solana/);
    expect((await link(btcAddress)).body.errors[0]!.message).toMatch(/Bitcoin address.*link it with Bitcoin/);
    const secret = getBase58Decoder().decode(new Uint8Array(64).fill(7));
    expect((await link(secret)).body.errors[0]!.message).toMatch(/private key/);
    const typo = await link(world.owner.address.slice(0, -2) + '0O'); // 0 and O are not base58
    expect(typo.status).toBe(400);
    expect(typo.body.errors[0]!.message).toMatch(/not a Solana address/);
    expect((await link(world.owner.address, 'ethereum')).status).toBe(400);
    expect((await link(world.owner.address, 'bitcoin')).status).toBe(400);
    expect((await api.get('/platform/v2/providers')).body.data.providers).toEqual([]); // nothing half-written
  });

  it('shows SOL and token balances at link time, before the history can be read', async () => {
    node.failing.set('getTransaction', {
      code: -32011,
      message: 'Transaction history is not available from this node',
    });
    const linked = await link(world.owner.address);
    expect(linked.status).toBe(201);
    solanaId = linked.body.data.connection_id as string;
    expect(solanaId).toEqual(expect.any(String));
    await server.kernel.jobs.drain();

    const answer = await api.get('/platform/v2/assets?crypto_sources=solana');
    const assets = answer.body.data.assets as Json[];
    const bySymbol = Object.fromEntries(assets.map((a) => [a.asset.symbol, a]));
    const plain = `${world.mints.plain.slice(0, 4)}…${world.mints.plain.slice(-4)}`;
    expect(Object.keys(bySymbol).sort()).toEqual(['GOLDX', 'MEOW', 'SOL', 'USDC', plain].sort());
    expect(bySymbol.SOL).toMatchObject({ asset: solAsset, quantity: '6.499985000' });
    expect(bySymbol.USDC).toMatchObject({
      asset: { symbol: 'USDC', chain: 'solana', decimals: 6, contract_address: world.mints.usdc },
      quantity: '250.000000',
    });
    expect(bySymbol.MEOW).toMatchObject({ asset: { name: 'Meow Coin', decimals: 5 }, quantity: '4999000.00000' });
    expect(bySymbol.GOLDX).toMatchObject({ asset: { name: 'Gold Bar', decimals: 9 }, quantity: '3.000000000' });
    expect(bySymbol[plain]).toMatchObject({
      asset: { decimals: 0, contract_address: world.mints.plain },
      quantity: '42',
    });
    // The history failed meanwhile: the provider's error travels with the balances.
    expect(answer.status).toBe(206);
    expect(answer.body.errors[0]).toMatchObject({ provider_id: 'solana', cause: 'provider_unavailable' });
    expect(answer.body.errors[0]!.message).toMatch(/-32011/);
    expect(await solanaTransactions()).toEqual([]);

    node.failing.clear();
    server.clock.advance(60_000);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/assets?crypto_sources=solana')).status).toBe(200);
  });

  it('reads SOL and SPL transfers with their fees, failed and v0 transactions included', async () => {
    const { sig, owner, friend, shop } = world;
    const txs = new Map((await solanaTransactions()).map((t) => [t.tx_hash, t]));
    expect([...txs.keys()].sort()).toEqual(Object.values(sig).sort());
    const stored = (s: string) => world.bank.transactions.find((t) => t.signature === s)!;
    expect(txs.get(sig.t1)).toMatchObject({
      connection_id: solanaId,
      provider_id: 'solana',
      chain: 'solana',
      external_id: sig.t1,
      status: 'confirmed',
      type: 'receive',
      timestamp: stored(sig.t1).blockTime * 1000,
      fees: { items: [] },
    });
    expect(txs.get(sig.t1).inputs).toEqual([
      { asset: solAsset, quantity: '2.000000000', value: null, address: owner.address, counterparty: friend.address },
    ]);
    // The owner's address is not in t2 at all: it was found through the owner's USDC account.
    expect(txs.get(sig.t2)).toMatchObject({
      type: 'receive',
      inputs: [{ asset: { symbol: 'USDC' }, quantity: '250.000000', counterparty: friend.address }],
    });
    const fee = { asset: solAsset, quantity: '0.000005000', value: null, kind: 'network' };
    expect(txs.get(sig.t3)).toMatchObject({
      type: 'send',
      outputs: [{ asset: solAsset, quantity: '0.500000000', counterparty: shop.address }],
      fees: { items: [fee] },
    });
    expect(stored(sig.t3).version).toBe(0);
    expect(txs.get(sig.t4)).toMatchObject({
      type: 'send',
      outputs: [{ asset: { symbol: 'MEOW' }, quantity: '1000.00000', counterparty: friend.address }],
      fees: { items: [fee] },
    });
    expect(txs.get(sig.t5)).toMatchObject({
      status: 'failed',
      type: 'output_only',
      inputs: [],
      outputs: [],
      categorization: { category: 'fee' },
      fees: { items: [fee] },
    });
    expect(txs.get(sig.t6)).toMatchObject({
      type: 'receive',
      inputs: [{ asset: { symbol: 'GOLDX', decimals: 9 }, quantity: '3.000000000', counterparty: friend.address }],
      fees: { items: [] },
    });
    const v1 = await api.get('/platform/v1/transactions?crypto_sources=solana&limit=100');
    expect(v1.status).toBe(200);
  });

  it('resyncs incrementally: only the new transactions are read, nothing is stored twice', async () => {
    const { bank, friend, owner, friendAccounts, ownerAccounts, mints } = world;
    const t7 = await sendTransaction(bank, friend, [systemTransfer(friend, owner.address, SOL)], { version: 'legacy' });
    const t8 = await sendTransaction(
      bank,
      friend,
      [tokenTransferChecked(TOKEN_PROGRAM, friendAccounts.usdc, mints.usdc, ownerAccounts.usdc, friend, 5_000_000n, 6)],
      { version: 0 },
    );
    node.calls.length = 0;
    server.clock.advance(120_000);
    expect((await api.post('/platform/v2/assets/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();

    expect(node.callsOf('getTransaction').sort()).toEqual([t7, t8].sort());
    const hashes = (await solanaTransactions()).map((t) => t.tx_hash);
    expect(hashes).toHaveLength(8);
    expect(new Set(hashes).size).toBe(8);
    const assets = (await api.get('/platform/v2/assets?crypto_sources=solana')).body.data.assets as Json[];
    expect(assets.find((a) => a.asset.symbol === 'SOL').quantity).toBe('7.499985000');
    expect(assets.find((a) => a.asset.symbol === 'USDC').quantity).toBe('255.000000');
  });

  it('filters asset_symbols=BTC,SOL across a Bitcoin and a Solana connection', async () => {
    expect((await link(btcAddress, 'bitcoin')).status).toBe(201);
    await server.kernel.jobs.drain();
    const assets = await api.get('/platform/v2/assets?asset_symbols=BTC,SOL');
    expect(assets.status).toBe(200);
    expect(
      (assets.body.data.assets as Json[]).map((a) => [a.asset.symbol, a.quantity, a.sources[0].provider_id]).sort(),
    ).toEqual([
      ['BTC', '0.50000000', 'bitcoin'],
      ['SOL', '7.499985000', 'solana'],
    ]);
    const txs = (await api.get('/platform/v2/transactions?asset_symbols=BTC,SOL&limit=100')).body.data
      .transactions as Json[];
    const providers = new Set(txs.map((t) => t.provider_id));
    expect(providers).toEqual(new Set(['bitcoin', 'solana']));
    const hashes = txs.map((t) => t.tx_hash);
    expect(hashes).toEqual(expect.arrayContaining([world.sig.t1, world.sig.t3, world.sig.t5]));
    expect(hashes).not.toContain(world.sig.t2); // USDC only, its fee paid by the friend
    expect(hashes).not.toContain(world.sig.t6);
  });

  it('answers 206 with the Solana error while the RPC node is down, other providers served', async () => {
    node.state = 'down';
    server.clock.advance(120_000);
    const refresh = await api.post('/platform/v2/assets/refresh');
    expect(refresh.status).toBe(202);
    await server.kernel.jobs.drain();
    const assets = await api.get('/platform/v2/assets');
    expect(assets.status).toBe(206);
    expect(assets.body.errors).toEqual([
      expect.objectContaining({
        provider_id: 'solana',
        cause: 'provider_unavailable',
        message: expect.stringMatching(/unreachable/),
      }),
    ]);
    const symbols = (assets.body.data.assets as Json[]).map((a) => a.asset.symbol);
    expect(symbols).toEqual(expect.arrayContaining(['BTC', 'SOL']));
    expect((await api.get('/platform/v2/transactions?crypto_sources=bitcoin')).status).toBe(200);

    node.state = 'up';
    server.clock.advance(60_000);
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/assets')).status).toBe(200);
  });
});
