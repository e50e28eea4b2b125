import { getAddress, parseUnits, type Address, type Hash, type PrivateKeyAccount } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain, anvilChainsEnv } from './support/anvil-chain.ts';
import { EtherscanServer } from './support/etherscan-server.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';
import { RpcRecorder } from './support/rpc-recorder.ts';

const API_KEY = 'test-etherscan-key';

describe.each(testDialects())('EVM wallets read from an Etherscan-compatible indexer over anvil (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const rpc = new RpcRecorder(chain.rpcUrl);
  let etherscan: EtherscanServer;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let funder: PrivateKeyAccount;
  let carolKey: PrivateKeyAccount;
  let alice: Address;
  let bob: Address;
  let carol: Address;
  let token: Address;
  let multicall: Address;
  let forwarder: Address;
  let aliceConnection: string;
  const hashes = {} as Record<
    'funded' | 'deploy' | 'tokenToCarol' | 'toBob' | 'internalIn' | 'forwardOut' | 'failed' | 'tokenFromCarol',
    Hash
  >;

  beforeAll(async () => {
    await rpc.start();
    funder = await chain.newAccount('100');
    const startBlock = Number(await chain.public.getBlockNumber()) + 1;
    const a = await chain.newAccount();
    carolKey = await chain.newAccount('5');
    [alice, bob, carol] = [a.address, (await chain.newAccount()).address, carolKey.address];
    multicall = getAddress(await chain.deployMulticall(funder));
    forwarder = getAddress(await chain.deployForwarder(funder));
    hashes.funded = await chain.sendEth(funder, alice, '10');
    const deployed = await chain.deployToken(a, 'Test Token', 'TTK', 18, parseUnits('1000000', 18));
    [token, hashes.deploy] = [getAddress(deployed.address), deployed.hash];
    hashes.tokenToCarol = await chain.callToken(a, token, 'transfer', [carol, parseUnits('250', 18)]);
    hashes.toBob = await chain.sendEth(a, bob, '1.5');
    hashes.internalIn = await chain.forward(carolKey, forwarder, alice, '0.3');
    hashes.forwardOut = await chain.forward(a, forwarder, bob, '0.2');
    hashes.failed = await chain.callToken(a, token, 'transfer', [carol, parseUnits('99999999', 18)], 100_000n);
    hashes.tokenFromCarol = await chain.callToken(carolKey, token, 'transfer', [alice, parseUnits('40', 18)]);

    etherscan = new EtherscanServer(chain.rpcUrl, startBlock, { chainId: 31337, apiKey: API_KEY });
    await etherscan.start();
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        EVM_CHAINS: anvilChainsEnv(rpc.url, {
          indexerUrl: `${etherscan.url}?chainid=31337`,
          indexerApiKey: API_KEY,
          indexerCallsPerSecond: 1000,
          multicall3: multicall,
        }),
        // Two records a page: the history takes several steps and pages by moving startblock.
        EVM_INDEXER_PAGE_SIZE: '2',
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `indexer-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await etherscan.close();
    await rpc.close();
  });

  const transactionsOf = async (connectionId: string) => {
    const answer = await api.get('/platform/v2/transactions?limit=100&crypto_sources=anvil');
    return new Map<string, Json>(
      (answer.body.data.transactions as Json[])
        .filter((t) => t.connection_id === connectionId)
        .map((t) => [t.tx_hash, t]),
    );
  };
  const positionsOf = async (connectionId: string) => {
    const assets = (await api.get('/platform/v2/assets?crypto_sources=anvil')).body.data.assets as Json[];
    return new Map<string, string>(
      assets.flatMap((a) =>
        a.sources
          .filter((s: Json) => s.connection_id === connectionId)
          .map((s: Json) => [a.asset.contract_address ?? a.asset.symbol, s.quantity]),
      ),
    );
  };
  const providerOf = async (connectionId: string) =>
    ((await api.get('/platform/v2/providers')).body.data.providers as Json[]).find(
      (p) => p.connection_id === connectionId,
    );
  const cursorOf = async (connectionId: string) => {
    const row = await server.kernel.database.db
      .selectFrom('portfolio_connections')
      .select('tx_cursor')
      .where('id', '=', connectionId)
      .executeTakeFirstOrThrow();
    return row.tx_cursor;
  };
  const link = async (address: Address) => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'anvil',
      connection: { type: 'wallet', address },
    });
    expect(linked.status).toBe(201);
    return linked.body.data.connection_id as string;
  };

  it('shows the balances the chain holds, read through Multicall3, before any history is read', async () => {
    etherscan.failing.add('txlist');
    aliceConnection = await link(alice);
    await server.kernel.jobs.drain();

    expect(await providerOf(aliceConnection)).toMatchObject({
      status: 'error',
      error: { provider_id: 'anvil', cause: 'provider_unavailable', message: expect.stringMatching(/HTTP 503/) },
    });
    const assets = await api.get('/platform/v2/assets?crypto_sources=anvil');
    expect(assets.status).toBe(206);
    const held = await positionsOf(aliceConnection);
    expect(held.get('ETH')).toBe(pad18(await chain.public.getBalance({ address: alice })));
    expect(held.get(token)).toBe(pad18(await chain.tokenBalance(token, alice)));
    expect(held.get(token)).toBe('999790.000000000000000000');
    expect((await transactionsOf(aliceConnection)).size).toBe(0);
    // One aggregate3 call to the Multicall3 contract read them; no token was asked on its own.
    expect(rpc.callTargets()).toContain(multicall.toLowerCase());
    expect(rpc.callTargets()).not.toContain(token.toLowerCase());

    etherscan.failing.clear();
    server.clock.advance(60_000); // past the retry's backoff
    await server.kernel.jobs.drain();
    expect((await providerOf(aliceConnection)).status).toBe('connected');
  });

  it('reads normal, internal and token transfers with their fees, failed ones keeping theirs', async () => {
    const mine = await transactionsOf(aliceConnection);
    const eth = { symbol: 'ETH', name: 'Ether', chain: 'anvil', decimals: 18 };
    const ttk = { symbol: 'TTK', name: 'Test Token', chain: 'anvil', contract_address: token, decimals: 18 };
    const fee = async (hash: Hash) => [
      { asset: eth, quantity: pad18(await chain.fee(hash)), value: null, kind: 'network' },
    ];
    expect([...mine.keys()].sort()).toEqual(Object.values(hashes).sort());

    expect(mine.get(hashes.funded)).toMatchObject({ type: 'receive', fees: { items: [] } });
    expect(mine.get(hashes.funded).inputs).toEqual([
      { asset: eth, quantity: '10.000000000000000000', value: null, address: alice, counterparty: funder.address },
    ]);
    expect(mine.get(hashes.deploy)).toMatchObject({
      type: 'input_only',
      categorization: { category: 'mint' },
      inputs: [{ asset: ttk, quantity: '1000000.000000000000000000' }],
    });
    expect(mine.get(hashes.deploy).fees.items).toEqual(await fee(hashes.deploy));
    expect(mine.get(hashes.tokenToCarol)).toMatchObject({
      type: 'send',
      outputs: [{ asset: ttk, quantity: '250.000000000000000000', counterparty: carol }],
    });
    expect(mine.get(hashes.tokenToCarol).fees.items).toEqual(await fee(hashes.tokenToCarol));
    expect(mine.get(hashes.toBob)).toMatchObject({
      type: 'send',
      outputs: [{ asset: eth, quantity: '1.500000000000000000', counterparty: bob }],
    });
    expect(mine.get(hashes.toBob).fees.items).toEqual(await fee(hashes.toBob));

    // ETH that reached Alice inside Carol's contract call: an internal transaction, no fee of hers.
    expect(mine.get(hashes.internalIn)).toMatchObject({
      type: 'receive',
      status: 'confirmed',
      categorization: { category: 'transfer' },
      inputs: [{ asset: eth, quantity: '0.300000000000000000', address: alice, counterparty: forwarder }],
      outputs: [],
      fees: { items: [] },
    });
    expect(mine.get(hashes.forwardOut)).toMatchObject({
      type: 'send',
      outputs: [{ asset: eth, quantity: '0.200000000000000000', counterparty: forwarder }],
    });
    expect(mine.get(hashes.forwardOut).fees.items).toEqual(await fee(hashes.forwardOut));
    expect(mine.get(hashes.failed)).toMatchObject({
      type: 'output_only',
      status: 'failed',
      categorization: { category: 'fee' },
      inputs: [],
      outputs: [],
    });
    expect(mine.get(hashes.failed).fees.items).toEqual(await fee(hashes.failed));
    expect(mine.get(hashes.tokenFromCarol)).toMatchObject({
      type: 'receive',
      inputs: [{ asset: ttk, quantity: '40.000000000000000000', counterparty: carol }],
      fees: { items: [] },
    });

    // Paged by block: one page of two records per request, startblock moving forward, never page 2.
    const txlist = etherscan.callsOf('txlist').filter((q) => q.get('sort') === 'asc');
    expect(txlist.length).toBeGreaterThan(3);
    expect(txlist.every((q) => q.get('page') === '1' && q.get('offset') === '2')).toBe(true);
    const starts = txlist.map((q) => Number(q.get('startblock')));
    expect(starts).toEqual([...starts].sort((x, y) => x - y));
    expect(etherscan.calls.every((q) => q.get('apikey') === API_KEY && q.get('chainid') === '31337')).toBe(true);
    // Alice's one internal transaction fit in the first page: that list was asked once, not once a step.
    expect(etherscan.callsOf('txlistinternal').filter((q) => q.get('sort') === 'asc')).toHaveLength(1);

    // The history agrees with the balances read first.
    const held = await positionsOf(aliceConnection);
    expect(held.get('ETH')).toBe(pad18(await chain.public.getBalance({ address: alice })));
  });

  it('reads only what is new on a refresh, from the last block seen, storing nothing twice', async () => {
    const before = await transactionsOf(aliceConnection);
    const next = (JSON.parse((await cursorOf(aliceConnection))!) as { next: number }).next;
    const callsBefore = etherscan.calls.length;
    const lateInternal = await chain.forward(carolKey, forwarder, alice, '0.1');
    const lateDirect = await chain.sendEth(funder, alice, '0.5');
    server.clock.advance(120_000);
    const refresh = await api.post('/platform/v2/transactions/refresh');
    expect(refresh.status).toBe(202);
    await server.kernel.jobs.drain();
    expect((await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data.status).toBe('completed');

    const after = await transactionsOf(aliceConnection);
    expect([...after.keys()].sort()).toEqual([...before.keys(), lateInternal, lateDirect].sort());
    expect(after.get(lateInternal).inputs).toMatchObject([{ quantity: '0.100000000000000000' }]);
    const newHistoryCalls = etherscan.calls.slice(callsBefore).filter((q) => q.get('sort') === 'asc');
    expect(Number(newHistoryCalls[0]!.get('startblock'))).toBe(next);
    const held = await positionsOf(aliceConnection);
    expect(held.get('ETH')).toBe(pad18(await chain.public.getBalance({ address: alice })));
  });

  it('waits and tries again when the indexer answers "Max rate limit reached"', async () => {
    const late = await chain.sendEth(funder, alice, '0.05');
    etherscan.rateLimitNext = 3;
    const limitedBefore = etherscan.rateLimited;
    server.clock.advance(120_000);
    const refresh = await api.post('/platform/v2/transactions/refresh');
    await server.kernel.jobs.drain();
    expect((await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data.status).toBe('completed');
    expect(etherscan.rateLimited - limitedBefore).toBe(3);
    expect((await transactionsOf(aliceConnection)).has(late)).toBe(true);
  });

  it('answers 206 with the indexer’s error while it is down, still serving what was read', async () => {
    const erin = await chain.newAccount('1');
    await chain.sendEth(erin, bob, '0.1');
    etherscan.down = true;
    const erinConnection = await link(erin.address);
    await server.kernel.jobs.drain();
    etherscan.down = false;

    const port = new URL(etherscan.url).port;
    expect(await providerOf(erinConnection)).toMatchObject({
      status: 'error',
      error: {
        provider_id: 'anvil',
        cause: 'provider_unavailable',
        message: `the indexer 127.0.0.1:${port} answered HTTP 503`,
      },
    });
    const transactions = await api.get('/platform/v2/transactions?limit=100');
    expect(transactions.status).toBe(206);
    expect(transactions.body.errors).toContainEqual(
      expect.objectContaining({ provider_id: 'anvil', cause: 'provider_unavailable' }),
    );
    expect((await transactionsOf(aliceConnection)).size).toBeGreaterThan(8);
    expect((await positionsOf(erinConnection)).size).toBe(0);
    expect((await api.delete('/platform/v2/providers', { connection_ids: [erinConnection] })).status).toBe(200);
  });

  it('refuses an indexer that lists blocks past the chain head, storing nothing of that wallet', async () => {
    const frank = await chain.newAccount();
    const funded = await chain.sendEth(funder, frank.address, '2');
    etherscan.lieAheadBy = 5;
    const frankConnection = await link(frank.address);
    await server.kernel.jobs.drain();

    expect(await providerOf(frankConnection)).toMatchObject({
      status: 'error',
      error: {
        cause: 'provider_unavailable',
        message: expect.stringMatching(/past the chain head \d+ of the RPC node/),
      },
    });
    expect((await transactionsOf(frankConnection)).size).toBe(0);
    expect((await positionsOf(frankConnection)).size).toBe(0);
    expect(await cursorOf(frankConnection)).toBeNull();

    etherscan.lieAheadBy = 0;
    server.clock.advance(60_000);
    await server.kernel.jobs.drain();
    expect((await providerOf(frankConnection)).status).toBe('connected');
    expect([...(await transactionsOf(frankConnection)).keys()]).toEqual([funded]);
    expect((await positionsOf(frankConnection)).get('ETH')).toBe('2.000000000000000000');
  });
});

function pad18(wei: bigint): string {
  const text = wei.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}
