import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { AnvilChain, anvilChainsEnv } from './support/anvil-chain.ts';
import { personWithToken, type Json, type PlatformClient } from './support/platform-client.ts';

/** A JSON-RPC proxy in front of anvil that fails (503) every request reading a block above `failAbove`. */
class FlakyRpc {
  failAbove = Infinity;
  url = '';
  private server: Server | undefined;

  constructor(private readonly target: string) {}

  async start(): Promise<void> {
    this.server = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const calls = [JSON.parse(body) as Json].flat();
      const tooHigh = calls.some(
        (c) => c.method === 'eth_getBlockByNumber' && Number(BigInt(c.params[0])) > this.failAbove,
      );
      if (tooHigh) {
        response.writeHead(503).end('upstream down');
        return;
      }
      const upstream = await fetch(this.target, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      response.writeHead(upstream.status, { 'content-type': 'application/json' }).end(await upstream.text());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server!.close(() => resolve()));
  }
}

describe.each(testDialects())('the sync engine: incremental, idempotent, resumable (%s)', (dialect) => {
  const chain = new AnvilChain(inject('anvilRpcUrl'));
  const rpc = new FlakyRpc(chain.rpcUrl);
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let api: PlatformClient;
  let firstBlock: number;
  const sent: string[] = [];
  let wallet: `0x${string}`;

  beforeAll(async () => {
    await rpc.start();
    const funder = await chain.newAccount('100');
    const owner = await chain.newAccount();
    wallet = owner.address;
    firstBlock = Number(await chain.public.getBlockNumber()) + 1;
    for (let i = 1; i <= 8; i++) sent.push(await chain.sendEth(funder, wallet, `0.${i}`));
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: {
        EVM_CHAINS: anvilChainsEnv(rpc.url, { startBlock: firstBlock }),
        EVM_BLOCKS_PER_SYNC: '2',
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
    }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['read:providers', 'write:providers', 'read:assets', 'read:transactions'],
    });
    ({ api } = await personWithToken(server, smtp, client, `engine-${dialect}@example.com`));
  });
  afterAll(async () => {
    await close();
    await rpc.close();
  });

  const stored = async () =>
    ((await api.get('/platform/v2/transactions?limit=100')).body.data.transactions as Json[])
      .map((t) => t.tx_hash)
      .sort();
  const cursorOf = async (id: string) =>
    JSON.parse(
      (
        await server.kernel.database.db
          .selectFrom('portfolio_connections')
          .select('tx_cursor')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).tx_cursor!,
    ) as { next: number };

  it('keeps every committed page when the node fails mid-history, and resumes from its cursor', async () => {
    rpc.failAbove = firstBlock + 3;
    const linked = await api.post('/platform/v2/providers', {
      provider_id: 'anvil',
      connection: { type: 'wallet', address: wallet },
    });
    const id = linked.body.data.connection_id as string;
    await server.kernel.jobs.drain();
    const provider = (await api.get('/platform/v2/providers')).body.data.providers[0];
    expect(provider).toMatchObject({ status: 'error', error: { provider_id: 'anvil', cause: 'provider_unavailable' } });
    expect((await cursorOf(id)).next).toBe(firstBlock + 4); // two steps of two blocks committed
    expect(await stored()).toEqual(sent.slice(0, 4).sort());
    expect((await api.get('/platform/v2/transactions')).status).toBe(206);

    rpc.failAbove = Infinity;
    server.clock.advance(60_000); // past the retry's backoff
    await server.kernel.jobs.drain();
    expect((await api.get('/platform/v2/providers')).body.data.providers[0].status).toBe('connected');
    expect(await stored()).toEqual([...sent].sort());
    const assets = (await api.get('/platform/v2/assets')).body.data.assets as Json[];
    expect(assets[0].quantity).toBe('3.600000000000000000');
  });

  it('stores nothing twice when the whole history is read again', async () => {
    const before = (await api.get('/platform/v2/transactions?limit=100')).body.data.transactions as Json[];
    await server.kernel.database.db.updateTable('portfolio_connections').set({ tx_cursor: null }).execute();
    server.clock.advance(120_000);
    expect((await api.post('/platform/v2/transactions/refresh')).status).toBe(202);
    await server.kernel.jobs.drain();
    const after = (await api.get('/platform/v2/transactions?limit=100')).body.data.transactions as Json[];
    expect(after.map((t) => t.id)).toEqual(before.map((t) => t.id));
    expect(after).toEqual(before);
  });
});
