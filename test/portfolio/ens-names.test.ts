import { randomBytes } from 'node:crypto';
import { zeroAddress, type Address } from 'viem';
import { toCoinType } from 'viem/ens';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { portfolioOf } from '../../src/portfolio/portfolio.ts';
import { isPublicGateway } from '../../src/portfolio/sources/evm/ens-names.ts';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain } from './support/anvil-chain.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';
import { RpcRecorder } from './support/rpc-recorder.ts';

const BASE_CHAIN_ID = 8453;
const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;

describe.each(testDialects())('ENS names in a wallet address field, on a real anvil node (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  // Ethereum's node: anvil behind a proxy that records the calls and can be taken down.
  const ethereumNode = new RpcRecorder(chain.rpcUrl);
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let resolver: Address;
  let alice: Address;
  let bob: Address;
  let bobOnBase: Address;
  let carol: Address;

  beforeAll(async () => {
    const deployer = await chain.newAccount('20');
    const addressOf = async () => (await chain.newAccount()).address;
    [alice, bob, bobOnBase, carol] = [await addressOf(), await addressOf(), await addressOf(), await addressOf()];
    await chain.sendEth(deployer, alice, '3');
    resolver = await chain.deployEnsResolver(deployer);
    await chain.setEnsAddress(deployer, resolver, 'alice.eth', alice);
    await chain.setEnsAddress(deployer, resolver, 'bob.eth', bob);
    // Bob's wallet on Base lives at another address (a smart account), set as his Base record (ENSIP-11).
    await chain.setEnsAddress(deployer, resolver, 'bob.eth', bobOnBase, toCoinType(BASE_CHAIN_ID));
    await chain.setEnsAddress(deployer, resolver, 'carol.eth', carol);
    // A name with a resolver but no address.
    await chain.setEnsAddress(deployer, resolver, 'empty.eth', zeroAddress);
    await ethereumNode.start();
    const head = Number(await chain.public.getBlockNumber());
    const scanned = { indexerUrl: null, startBlock: head, confirmations: 0 };
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        // Ethereum is anvil (its chain id, so the sync reads it); Base is anvil too, but not where names are resolved.
        EVM_CHAINS: JSON.stringify([
          { id: 'ethereum', chainId: 31337, rpcUrl: ethereumNode.url, ensUniversalResolver: resolver, ...scanned },
          { id: 'base', rpcUrl: chain.rpcUrl, ...scanned },
        ]),
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
    }));
    client = await createTestClient(server, {
      name: 'Name Reader',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
      defaultScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `ens-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await ethereumNode.close();
  });

  const connected = async () => (await api.get('/platform/v2/providers')).body.data.providers as Json[];
  const credentialsOf = (connectionId: string) =>
    portfolioOf(server.kernel, server.app.log).connections.credentials(connectionId);

  it('links alice.eth: stores the address it resolves to, shows both, and reads that address', async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'ethereum',
      connection: { type: 'wallet', address: 'Alice.ETH' },
    });
    expect(linked.status).toBe(201);
    const id = linked.body.data.connection_id as string;
    expect(ethereumNode.callTargets()).toContain(resolver.toLowerCase());
    expect(await credentialsOf(id)).toMatchObject({
      type: 'wallet',
      chain: 'ethereum',
      address: alice,
      name: 'alice.eth',
    });
    expect((await connected()).find((p) => p.connection_id === id)).toMatchObject({
      provider_id: 'ethereum',
      display_label: `alice.eth (${short(alice)})`,
    });

    await server.kernel.jobs.drain();
    expect((await connected()).find((p) => p.connection_id === id).status).toBe('connected');
    const assets = (await api.get('/platform/v2/assets?crypto_sources=ethereum')).body.data.assets as Json[];
    expect(assets.find((a) => a.asset.symbol === 'ETH')).toMatchObject({ quantity: '3.000000000000000000' });

    // v1 takes names too; a label the person gives is kept as given.
    const v1 = await api.post('/platform/v1/provider', {
      provider_id: 'ethereum',
      display_label: 'Carol savings',
      connection: { type: 'wallet', address: 'carol.eth' },
    });
    expect(v1.status).toBe(201);
    expect(await credentialsOf(v1.body.data.connection_id)).toMatchObject({ address: carol, name: 'carol.eth' });
    const v1Providers = (await api.get('/platform/v1/provider')).body.data.providers as Json[];
    expect(v1Providers.find((p) => p.connection_id === v1.body.data.connection_id).display_label).toBe('Carol savings');
  });

  it('refuses the same wallet a second time, by name or by address (409)', async () => {
    const before = (await connected()).length;
    for (const address of [alice, alice.toLowerCase(), 'alice.eth']) {
      const again = await api.post('/platform/v2/providers', {
        provider_id: 'ethereum',
        connection: { type: 'wallet', address },
      });
      expect({ status: again.status, cause: again.body.errors[0]?.cause }, address).toEqual({
        status: 409,
        cause: 'conflict',
      });
    }
    // A name and its address in one request are one wallet too.
    const both = await api.post('/platform/v2/providers', [
      { provider_id: 'base', connection: { type: 'wallet', address: 'alice.eth' } },
      { provider_id: 'base', connection: { type: 'wallet', address: alice } },
    ]);
    expect(both.status).toBe(200);
    expect(both.body.data.map((d: Json) => d.added)).toEqual([true, false]);
    expect(both.body.errors).toEqual([expect.objectContaining({ provider_id: 'base', cause: 'conflict' })]);
    expect(await connected()).toHaveLength(before + 1);
  });

  it('on Base, links the address the name sets for Base, else its Ethereum address', async () => {
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'base',
      connection: { type: 'wallet', address: 'bob.eth' },
    });
    expect(linked.status).toBe(201);
    expect(await credentialsOf(linked.body.data.connection_id)).toMatchObject({
      chain: 'base',
      address: bobOnBase,
      name: 'bob.eth',
    });
    expect((await connected()).find((p) => p.connection_id === linked.body.data.connection_id).display_label).toBe(
      `bob.eth (${short(bobOnBase)})`,
    );
    // On Ethereum the same name is Bob's ETH address.
    const onEthereum = await api.post('/platform/v2/providers', {
      provider_id: 'ethereum',
      connection: { type: 'wallet', address: 'bob.eth' },
    });
    expect(await credentialsOf(onEthereum.body.data.connection_id)).toMatchObject({ address: bob });
  });

  it('answers a name that resolves to nothing, or is no valid name, with 400 and stores nothing', async () => {
    const before = (await connected()).length;
    const cases: Array<[string, RegExp]> = [
      ['nobody.eth', /nobody\.eth does not resolve to an address/],
      ['empty.eth', /empty\.eth does not resolve to an address/],
      ['al ice.eth', /not a valid ENS name/],
      ['alice..eth', /not a valid ENS name/],
      ['alice', /not an EVM address .* or an ENS name such as name\.eth/],
    ];
    for (const [address, message] of cases) {
      const answer = await api.post('/platform/v2/providers', {
        provider_id: 'ethereum',
        connection: { type: 'wallet', address },
      });
      expect({ status: answer.status, cause: answer.body.errors[0]?.cause }, address).toEqual({
        status: 400,
        cause: 'bad_request',
      });
      expect(answer.body.errors[0]!.message).toMatch(message);
    }
    expect(await connected()).toHaveLength(before);
  });

  it('names the network to use for a Bitcoin or Solana address given for Ethereum', async () => {
    const cases: Array<[string, RegExp]> = [
      [
        'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
        /Bitcoin address .* link it on the Bitcoin network \(provider_id "bitcoin"\)/,
      ],
      [
        'So11111111111111111111111111111111111111112',
        /Solana address, .* link it on the Solana network \(provider_id "solana"\)/,
      ],
    ];
    for (const [address, message] of cases) {
      const answer = await api.post('/platform/v2/providers', {
        provider_id: 'ethereum',
        connection: { type: 'wallet', address },
      });
      expect(answer.status, address).toBe(400);
      expect(answer.body.errors[0]!.message).toMatch(message);
    }
  });

  it("answers 503 naming Ethereum when Ethereum's node is down, and stores nothing", async () => {
    const before = (await connected()).length;
    ethereumNode.unavailable = true;
    try {
      const answer = await api.post('/platform/v2/providers', {
        provider_id: 'base',
        connection: { type: 'wallet', address: 'carol.eth' },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({
          provider_id: 'base',
          cause: 'provider_unavailable',
          message: expect.stringMatching(
            /carol\.eth could not be resolved: ENS on Ethereum did not answer \(HTTP 503 no healthy upstream\); try again shortly$/,
          ),
        }),
      ]);
      expect(answer.body.errors[0]!.message).not.toContain(ethereumNode.url);
    } finally {
      ethereumNode.unavailable = false;
    }
    expect(await connected()).toHaveLength(before);
  });

  it('takes a name in the Connect widget wallet form', async () => {
    const agent = new PageAgent(server.url);
    const { challenge } = pkcePair();
    const started = await agent.get(
      `/connect?${new URLSearchParams({ response_type: 'code', client_id: client.id, code_challenge: challenge, code_challenge_method: 'S256', state: randomBytes(8).toString('hex') }).toString()}`,
    );
    const signedIn = await signInThroughPages(agent, smtp, `ens-widget-${dialect}@example.com`, started);
    const stepPath = (await agent.get(signedIn.headers.get('location')!)).headers.get('location')!;
    expect(stepPath).toMatch(/^\/connect\/link\//);
    let page = await (await agent.get(`${stepPath}/provider/ethereum`)).text();
    expect(page).toContain('name.eth');

    const unknown = await agent.submit(page, { provider_id: 'ethereum', address: 'nobody.eth' }, '/wallet');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('nobody.eth does not resolve to an address');

    const added = await agent.submit(page, { provider_id: 'ethereum', address: 'alice.eth' }, '/wallet');
    expect(added.status).toBe(303);
    page = await (await agent.get(added.headers.get('location')!)).text();
    expect(page).toContain(`Linked alice.eth (${short(alice)}) on Ethereum.`);
  });
});

describe('CCIP-Read gateways an ENS name may send the server to', () => {
  it('are HTTPS and named by host, never a literal IP address or localhost', () => {
    expect(isPublicGateway('https://ccip.example.com/{sender}/{data}.json')).toBe(true);
    for (const url of [
      'http://ccip.example.com/{data}',
      'https://127.0.0.1/{data}',
      'https://2130706433/{data}',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]/{data}',
      'https://localhost:8080/{data}',
      'https://api.localhost/{data}',
      'file:///etc/passwd',
      'not a url',
    ])
      expect(isPublicGateway(url), url).toBe(false);
  });
});
