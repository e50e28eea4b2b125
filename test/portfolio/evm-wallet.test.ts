import { getAddress, parseEther, parseUnits, type Address, type Hash } from 'viem';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain, anvilChainsEnv } from './support/anvil-chain.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

describe.each(testDialects())('EVM wallets on a real anvil node (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  const hashes = {} as Record<
    'funded' | 'deploy' | 'tokenToCarol' | 'toBob' | 'toCarol' | 'failed' | 'approve' | 'carolToBob' | 'spamDrop',
    Hash
  >;
  let alice: Address;
  let bob: Address;
  let carol: Address;
  let token: Address;
  let spam: Address;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { EVM_CHAINS: anvilChainsEnv(chain.rpcUrl), COINGECKO_API_URL: 'http://127.0.0.1:9' },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `evm-${dialect}@example.com`));

    const funder = await chain.newAccount('100');
    const a = await chain.newAccount();
    const b = await chain.newAccount();
    const c = await chain.newAccount('5');
    [alice, bob, carol] = [a.address, b.address, c.address];
    hashes.funded = await chain.sendEth(funder, alice, '10');
    const deployed = await chain.deployToken(a, 'Test Token', 'TTK', 18, parseUnits('1000000', 18));
    [token, hashes.deploy] = [getAddress(deployed.address), deployed.hash];
    hashes.tokenToCarol = await chain.callToken(a, token, 'transfer', [carol, parseUnits('250', 18)]);
    hashes.toBob = await chain.sendEth(a, bob, '1.5');
    hashes.toCarol = await chain.sendEth(a, carol, '0.25');
    hashes.failed = await chain.callToken(a, token, 'transfer', [carol, parseUnits('99999999', 18)], 100_000n);
    hashes.approve = await chain.callToken(a, token, 'approve', [carol, 1n]);
    hashes.carolToBob = await chain.callToken(c, token, 'transfer', [bob, parseUnits('100', 18)]);
    const fake = await chain.deployToken(c, 'USD Coin', 'USDC', 6, parseUnits('1000', 6));
    spam = getAddress(fake.address);
    hashes.spamDrop = await chain.callToken(c, spam, 'transfer', [alice, parseUnits('500', 6)]);
  });
  afterAll(() => close());

  const txByHash = async (connectionId: string) => {
    const answer = await api.get(`/platform/v2/transactions?limit=100&crypto_sources=anvil&include_spam=true`);
    expect(answer.status).toBe(200);
    return new Map<string, Json>(
      answer.body.data.transactions
        .filter((t: Json) => t.connection_id === connectionId)
        .map((t: Json) => [t.tx_hash, t]),
    );
  };

  it('links two wallets and reads every leg, fee and type the chain holds', async () => {
    const linked = await api.post('/platform/v2/providers', [
      { provider_id: 'anvil', display_label: 'Alice', connection: { type: 'wallet', address: alice.toLowerCase() } },
      { provider_id: 'anvil', display_label: 'Bob', connection: { type: 'wallet', address: bob, chain: 'anvil' } },
    ]);
    expect(linked.status).toBe(201);
    const [aliceId, bobId] = linked.body.data.map((d: { connection_id: string }) => d.connection_id);
    await server.kernel.jobs.drain();
    const providers = (await api.get('/platform/v2/providers')).body.data.providers;
    expect(providers.map((p: Json) => p.status)).toEqual(['connected', 'connected']);

    const mine = await txByHash(aliceId);
    const eth = { symbol: 'ETH', name: 'Ether', chain: 'anvil', decimals: 18 };
    const ttk = { symbol: 'TTK', name: 'Test Token', chain: 'anvil', contract_address: token, decimals: 18 };
    const fee = async (hash: Hash) => ({
      asset: eth,
      quantity: pad18(await chain.fee(hash)),
      value: null,
      kind: 'network',
    });

    expect(mine.get(hashes.funded)).toMatchObject({
      type: 'receive',
      status: 'confirmed',
      categorization: { category: 'transfer', is_internal_transfer: false },
      outputs: [],
      fees: { items: [] },
    });
    expect(mine.get(hashes.funded).inputs).toEqual([
      { asset: eth, quantity: '10.000000000000000000', value: null, address: alice, counterparty: expect.any(String) },
    ]);
    expect(mine.get(hashes.deploy)).toMatchObject({
      type: 'input_only',
      categorization: { category: 'mint' },
      inputs: [{ asset: ttk, quantity: '1000000.000000000000000000' }],
    });
    expect(mine.get(hashes.deploy).fees.items).toEqual([await fee(hashes.deploy)]);
    expect(mine.get(hashes.tokenToCarol)).toMatchObject({
      type: 'send',
      inputs: [],
      outputs: [{ asset: ttk, quantity: '250.000000000000000000', address: alice, counterparty: carol }],
    });
    expect(mine.get(hashes.tokenToCarol).fees.items).toEqual([await fee(hashes.tokenToCarol)]);
    expect(mine.get(hashes.toCarol)).toMatchObject({
      type: 'send',
      categorization: { is_internal_transfer: false },
      outputs: [{ asset: eth, quantity: '0.250000000000000000', counterparty: carol }],
    });
    expect(mine.get(hashes.failed)).toMatchObject({
      type: 'output_only',
      status: 'failed',
      categorization: { category: 'fee' },
      inputs: [],
      outputs: [],
    });
    expect(mine.get(hashes.failed).fees.items).toEqual([await fee(hashes.failed)]);
    expect(mine.get(hashes.approve)).toMatchObject({
      type: 'output_only',
      categorization: { category: 'approval' },
      inputs: [],
      outputs: [],
    });
    // A token named like USDC that someone else sent, without a price: spam, shown only when asked for.
    expect(mine.get(hashes.spamDrop)).toMatchObject({
      type: 'receive',
      categorization: { is_spam: true },
      inputs: [{ asset: { symbol: 'USDC', contract_address: spam, decimals: 6 }, quantity: '500.000000' }],
    });
    expect(mine.has(hashes.carolToBob)).toBe(false);

    // Alice → Bob: both wallets are the person's own, so both sides are an internal transfer.
    const theirs = await txByHash(bobId);
    expect(mine.get(hashes.toBob)).toMatchObject({
      type: 'send',
      categorization: { category: 'transfer', is_internal_transfer: true },
      outputs: [{ quantity: '1.500000000000000000', counterparty: bob }],
    });
    expect(theirs.get(hashes.toBob)).toMatchObject({
      type: 'receive',
      categorization: { is_internal_transfer: true },
      inputs: [{ quantity: '1.500000000000000000', counterparty: alice }],
      fees: { items: [] },
    });
    expect(theirs.get(hashes.carolToBob)).toMatchObject({
      type: 'receive',
      categorization: { is_internal_transfer: false },
      inputs: [{ asset: ttk, quantity: '100.000000000000000000', counterparty: carol }],
    });
    expect(theirs.size).toBe(2);

    // Positions are what the chain holds, consolidated across the two wallets.
    const assets = (await api.get('/platform/v2/assets?crypto_sources=anvil')).body.data.assets as Json[];
    const ethPosition = assets.find((a) => a.asset.symbol === 'ETH' && !a.asset.contract_address);
    const aliceEth = await chain.public.getBalance({ address: alice });
    const bobEth = await chain.public.getBalance({ address: bob });
    expect(ethPosition.quantity).toBe(pad18(aliceEth + bobEth));
    expect(ethPosition.sources.map((s: Json) => s.quantity).sort()).toEqual([pad18(aliceEth), pad18(bobEth)].sort());
    const ttkPosition = assets.find((a) => a.asset.symbol === 'TTK');
    expect(ttkPosition.quantity).toBe(
      pad18((await chain.tokenBalance(token, alice)) + (await chain.tokenBalance(token, bob))),
    );
    expect(ttkPosition.quantity).toBe('999850.000000000000000000');
    expect(assets.filter((a) => a.asset.symbol === 'USDC')).toEqual([]);
    const withSpam = (await api.get('/platform/v2/assets?crypto_sources=anvil&include_spam=true')).body.data
      .assets as Json[];
    const fakeUsdc = withSpam.filter((a) => a.asset.symbol === 'USDC');
    expect(fakeUsdc).toHaveLength(1);
    expect(fakeUsdc[0].asset).toEqual({
      symbol: 'USDC',
      name: 'USD Coin',
      chain: 'anvil',
      contract_address: spam,
      decimals: 6,
      is_spam: true,
    });
    expect(await chain.tokenBalance(spam, alice)).toBe(500_000_000n);
    expect(fakeUsdc[0].quantity).toBe('500.000000');
  });

  it('syncs incrementally: a refresh adds only what is new, nothing twice', async () => {
    const before = (await api.get('/platform/v2/transactions?limit=100&crypto_sources=anvil')).body.data.transactions
      .length;
    const dave = await chain.newAccount('1');
    const late = await chain.sendEth(dave, alice, '0.5');
    server.clock.advance(120_000);
    const refresh = await api.post('/platform/v2/transactions/refresh');
    expect(refresh.status).toBe(202);
    await server.kernel.jobs.drain();
    expect((await api.get(`/platform/v2/refresh/${refresh.body.data.refresh_id}`)).body.data.status).toBe('completed');
    const after = (await api.get('/platform/v2/transactions?limit=100&crypto_sources=anvil')).body.data
      .transactions as Json[];
    expect(after).toHaveLength(before + 1);
    expect(after.filter((t) => t.tx_hash === late)).toMatchObject([
      { type: 'receive', inputs: [{ quantity: '0.500000000000000000' }] },
    ]);
    const assets = (await api.get('/platform/v2/assets?asset_symbols=ETH')).body.data.assets as Json[];
    const native = assets.find((a) => !a.asset.contract_address);
    expect(native.quantity).toBe(
      pad18((await chain.public.getBalance({ address: alice })) + (await chain.public.getBalance({ address: bob }))),
    );
    expect(parseEther(native.quantity)).toBeGreaterThan(parseEther('9'));
  });

  it('unlinking one wallet clears the internal-transfer mark on the other side', async () => {
    const providers = (await api.get('/platform/v2/providers')).body.data.providers as Json[];
    const aliceConnection = providers.find((p) => p.display_label === 'Alice');
    const bobConnection = providers.find((p) => p.display_label === 'Bob');
    const removed = await api.delete('/platform/v2/providers', { connection_ids: [aliceConnection.connection_id] });
    expect(removed.status).toBe(200);
    const theirs = await txByHash(bobConnection.connection_id);
    expect(theirs.get(hashes.toBob).categorization.is_internal_transfer).toBe(false);
    const again = await api.post('/platform/v2/providers', {
      provider_id: 'anvil',
      connection: { type: 'wallet', address: bob },
    });
    expect(again.status).toBe(409);
  });
});

function pad18(wei: bigint): string {
  const text = wei.toString().padStart(19, '0');
  return `${text.slice(0, -18)}.${text.slice(-18)}`;
}
