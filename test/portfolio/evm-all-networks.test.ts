import { getAddress, type Address, type Hash, type PrivateKeyAccount } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain } from './support/anvil-chain.ts';
import { EtherscanServer } from './support/etherscan-server.ts';
import { RpcRecorder } from './support/rpc-recorder.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

const API_KEY = 'test-etherscan-key';

/**
 * "All EVM networks": one address, linked once, becomes one connection per network whose indexer
 * has seen it. The networks are the default ids (ethereum, base, arbitrum, optimism), each pointed
 * at the shared anvil node through its own Etherscan-compatible stand-in: Ethereum's and Base's
 * index the blocks holding the address's activity (an RPC proxy presents the node under each network's chain id), Arbitrum's starts after them (no activity
 * there), OP Mainnet's is down at first.
 */
describe.each(testDialects())('linking an EVM address on all networks (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const stand = {} as Record<'ethereum' | 'base' | 'arbitrum' | 'optimism', EtherscanServer>;
  const nodes = {} as Record<keyof typeof stand, RpcRecorder>;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let funder: PrivateKeyAccount;
  let alice: Address;
  let sent: Hash;
  // Base's node is OP-stack: its receipts carry an L1 data fee, which the fee must include.
  const l1Fee = (hash: string) => BigInt(`0x${hash.slice(2, 10)}`) * 1000n;

  beforeAll(async () => {
    funder = await chain.newAccount('100');
    const startBlock = Number(await chain.public.getBlockNumber()) + 1;
    const aliceKey = await chain.newAccount();
    alice = aliceKey.address;
    const multicall = getAddress(await chain.deployMulticall(funder));
    await chain.sendEth(funder, alice, '2');
    sent = await chain.sendEth(aliceKey, funder.address, '0.5');
    // From the last transaction's own block: getBlockNumber may answer from viem's short cache.
    const afterActivity = Number((await chain.public.getTransactionReceipt({ hash: sent })).blockNumber) + 1;
    const ids = { ethereum: 1, base: 8453, arbitrum: 42161, optimism: 10 } as const;
    for (const [id, chainId] of Object.entries(ids) as Array<[keyof typeof ids, number]>) {
      stand[id] = new EtherscanServer(chain.rpcUrl, id === 'arbitrum' ? afterActivity : startBlock, {
        chainId,
        apiKey: API_KEY,
      });
      await stand[id].start();
      nodes[id] = new RpcRecorder(chain.rpcUrl, chainId, id === 'base' ? l1Fee : undefined);
      await nodes[id].start();
    }
    stand.optimism.down = true;
    const network = (id: keyof typeof ids) => ({
      id,
      rpcUrl: nodes[id].url,
      indexerUrl: `${stand[id].url}?chainid=${ids[id]}`,
      indexerApiKey: API_KEY,
      indexerCallsPerSecond: 1000,
      multicall3: multicall,
      confirmations: 0,
    });
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        EVM_CHAINS: JSON.stringify([
          network('ethereum'),
          network('base'),
          network('arbitrum'),
          network('optimism'),
          { id: 'polygon', enabled: false },
          { id: 'bsc', enabled: false },
          { id: 'avalanche', enabled: false },
        ]),
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `all-networks-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    for (const s of [...Object.values(stand), ...Object.values(nodes)]) await s.close();
  });

  const linkAll = (address: string, extra: Record<string, unknown> = {}) =>
    api.post('/platform/v2/providers', { provider_id: 'evm', connection: { type: 'wallet', address, ...extra } });
  const connections = async () => (await api.get('/platform/v2/providers')).body.data.providers as Json[];

  it('offers "All EVM networks" in the catalogue, over the networks with an indexer', async () => {
    const catalog = (await api.get('/platform/v2/providers/catalog')).body.data.providers as Json[];
    expect(catalog.find((p) => p.provider_id === 'evm')).toMatchObject({
      name: 'All EVM networks',
      auth_types: ['wallet'],
      chains: ['ethereum', 'base', 'arbitrum', 'optimism'],
    });
  });

  it('links the networks with activity, says which could not be asked, and reads each one', async () => {
    const linked = await linkAll(alice.toLowerCase());
    expect(linked.status).toBe(200);
    expect(linked.body.data).toMatchObject({ added: true, provider_id: 'evm' });
    const made = linked.body.data.networks as Json[];
    expect(made.map((n) => n.provider_id)).toEqual(['ethereum', 'base']);
    expect(linked.body.data.connection_id).toBe(made[0].connection_id);
    expect(linked.body.errors).toEqual([
      expect.objectContaining({
        provider_id: 'optimism',
        cause: 'provider_unavailable',
        message: expect.stringMatching(/OP Mainnet.*503/),
      }),
    ]);
    // Every indexer was asked once or twice (its oldest transaction, then its oldest token transfer).
    expect(stand.arbitrum.calls.length).toBeGreaterThan(0);

    await server.kernel.jobs.drain();
    const mine = await connections();
    const short = `${alice.slice(0, 6)}…${alice.slice(-4)}`;
    expect(mine.map((c) => [c.provider_id, c.display_label, c.status]).sort()).toEqual([
      ['base', `Base ${short}`, 'connected'],
      ['ethereum', `Ethereum ${short}`, 'connected'],
    ]);
    // ETH on Base and on Ethereum is one coin: one position, a source per network.
    const assets = (await api.get('/platform/v2/assets')).body.data.assets as Json[];
    const eth = assets.find((a) => a.asset.symbol === 'ETH');
    const held = await chain.public.getBalance({ address: alice });
    expect(eth.quantity).toBe(formatUnits18(2n * held));
    const byConnection = new Map(mine.map((c) => [c.connection_id, c.provider_id]));
    expect(eth.sources.map((s: Json) => [byConnection.get(s.connection_id), s.quantity]).sort()).toEqual([
      ['base', formatUnits18(held)],
      ['ethereum', formatUnits18(held)],
    ]);
    const history = (await api.get('/platform/v2/transactions?limit=50')).body.data.transactions as Json[];
    expect(history.map((t) => [t.chain, t.type]).sort()).toEqual([
      ['base', 'receive'],
      ['base', 'send'],
      ['ethereum', 'receive'],
      ['ethereum', 'send'],
    ]);
    const feeOn = (network: string) =>
      history.find((t) => t.chain === network && t.tx_hash === sent).fees.items[0].quantity as string;
    const l2Gas = await chain.fee(sent);
    expect(feeOn('ethereum')).toBe(formatUnits18(l2Gas));
    expect(feeOn('base')).toBe(formatUnits18(l2Gas + l1Fee(sent)));
  });

  it('adds a network found later, and refuses a link that adds nothing', async () => {
    stand.optimism.down = false;
    const again = await linkAll(alice);
    expect(again.status).toBe(201);
    expect((again.body.data.networks as Json[]).map((n) => n.provider_id)).toEqual(['optimism']);
    const twice = await linkAll(alice);
    expect(twice.status).toBe(409);
    expect(twice.body.errors![0]!.message).toMatch(/already linked on every network.*ethereum, base, optimism/);
    expect((await connections()).map((c) => c.provider_id).sort()).toEqual(['base', 'ethereum', 'optimism']);
  });

  it('links an address never used anywhere on the first network, to follow it from its first transaction', async () => {
    const fresh = (await chain.newAccount()).address;
    const linked = await linkAll(fresh);
    expect(linked.status).toBe(201);
    expect((linked.body.data.networks as Json[]).map((n) => n.provider_id)).toEqual(['ethereum']);
  });

  it('stores nothing when no indexer can answer, and refuses a chain for all networks', async () => {
    const before = (await connections()).length;
    for (const s of Object.values(stand)) s.down = true;
    const unknown = (await chain.newAccount()).address;
    const down = await linkAll(unknown);
    for (const s of Object.values(stand)) s.down = false;
    expect(down.status).toBe(503);
    expect(down.body.errors.map((e: Json) => [e.provider_id, e.cause])).toEqual([
      ['ethereum', 'provider_unavailable'],
      ['base', 'provider_unavailable'],
      ['arbitrum', 'provider_unavailable'],
      ['optimism', 'provider_unavailable'],
    ]);

    const withChain = await linkAll(unknown, { chain: 'base' });
    expect(withChain.status).toBe(400);
    expect(withChain.body.errors![0]!.message).toMatch(/use its own provider \(e\.g\. base\)/);
    const wrong = await linkAll('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq');
    expect(wrong.status).toBe(400);
    expect((await connections()).length).toBe(before);
  });
});

/** Wei as the API writes ETH: 18 decimals, always. */
function formatUnits18(wei: bigint): string {
  const text = wei.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}
