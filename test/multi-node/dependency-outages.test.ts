import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { freshDatabaseUrl } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { TcpProxy } from '../helpers/tcp-proxy.ts';

const databaseUrl = process.env.TEST_DATABASE_URL;
const redisUrl = process.env.TEST_REDIS_URL;

/** Polls `check` until it holds, within `withinMs` (outages end by reconnection, not at a known moment). */
async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<void> {
  const until = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`the condition did not hold within ${withinMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const timed = async <T>(work: () => Promise<T>) => {
  const started = Date.now();
  const result = await work();
  return { result, ms: Date.now() - started };
};

/**
 * A node outlives its database and Redis going away (review #15 findings 1–7): a dropped or
 * refused PostgreSQL connection is answered 503 with Retry-After, never a crash or a 500, and the
 * node reconnects by itself; a frozen database answers within the timeouts; without Redis,
 * revocations and rate limits keep working on each node, and the node starts anyway.
 */
describe.runIf(Boolean(databaseUrl))('a node while PostgreSQL is cut off or frozen', () => {
  const target = new URL(databaseUrl ?? 'postgres://127.0.0.1:5432');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
  let server: TestServer;
  let client: TestClient;
  let dropDatabase: () => Promise<void>;
  let databaseName: string;

  beforeAll(async () => {
    await proxy.start();
    const database = await freshDatabaseUrl('postgres');
    dropDatabase = database.drop;
    databaseName = new URL(database.url).pathname.slice(1);
    server = await startTestServer({
      databaseUrl: proxy.through(database.url),
      env: { DATABASE_CONNECT_TIMEOUT_MS: '500', DATABASE_STATEMENT_TIMEOUT_MS: '1000' },
    });
    client = await createTestClient(server, { allowedScopes: ['read:bookings'] });
  });
  afterAll(async () => {
    proxy.restore();
    await server?.close();
    await proxy.close();
    await dropDatabase?.();
  });

  const clientCredentials = () =>
    postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(client.id, client.secret!) },
    );
  const ready = async () => (await fetch(`${server.url}/readyz`)).status;
  // A refresh is looked up in the database (a client-credentials token is not: it is a signed JWT).
  const refresh = () =>
    postForm(
      server,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: 'no-such-refresh-token' },
      { authorization: basicAuth(client.id, client.secret!) },
    );

  it('survives its connections being terminated by the server, and serves on', async () => {
    expect((await clientCredentials()).status).toBe(200);
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as ended from pg_stat_activity where datname = $1',
      [databaseName],
    );
    await admin.end();
    expect(rows.length).toBeGreaterThan(0);
    // An unheard pool 'error' would have ended this process (and the test run) by now.
    await eventually(async () => (await clientCredentials()).status === 200, 5000);
    expect(await ready()).toBe(200);
  });

  it('answers 503 temporarily_unavailable with Retry-After while the database is unreachable, then recovers', async () => {
    expect((await refresh()).json.error).toBe('invalid_grant');
    proxy.cut();
    const refused = await timed(refresh);
    expect(refused.result.status).toBe(503);
    expect(refused.result.json.error).toBe('temporarily_unavailable');
    expect(refused.result.headers.get('retry-after')).toBe('5');
    expect(await ready()).toBe(503);

    proxy.restore();
    await eventually(async () => (await refresh()).json.error === 'invalid_grant', 5000);
    expect(await ready()).toBe(200);
  });

  it('does not hang while the database stops answering: /readyz within a second, requests within the timeouts', async () => {
    proxy.freeze();
    const readiness = await timed(ready);
    expect(readiness.result).toBe(503);
    expect(readiness.ms).toBeLessThan(1500);
    const token = await timed(refresh);
    expect(token.result.status).toBe(503);
    expect(token.ms).toBeLessThan(4000);

    proxy.restore();
    await eventually(async () => (await refresh()).json.error === 'invalid_grant', 5000);
  });
});

describe.runIf(Boolean(redisUrl))('a node while Redis is away', () => {
  const target = new URL(redisUrl ?? 'redis://127.0.0.1:6379');
  const proxy = new TcpProxy(target.hostname, Number(target.port || 6379));
  let server: TestServer;
  let client: TestClient;
  let listener: Redis;
  const heard: Array<{ channel: string; key: string }> = [];

  beforeAll(async () => {
    await proxy.start();
    // Redis is down when the node starts: it must start anyway.
    proxy.cut();
    server = await startTestServer({ env: { REDIS_URL: proxy.through(redisUrl!), REVOCATION_CACHE_MS: '1000' } });
    client = await createTestClient(server, { allowedScopes: ['read:bookings'] });
    listener = new Redis(redisUrl!);
    await listener.psubscribe('consentry:revoked*');
    listener.on('pmessage', (_pattern: string, channel: string, key: string) => heard.push({ channel, key }));
  });
  afterAll(async () => {
    listener?.disconnect();
    proxy.restore();
    await server?.close();
    await proxy.close();
  });

  const token = async () =>
    (
      await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: 'read:bookings' },
        { authorization: basicAuth(client.id, client.secret!) },
      )
    ).json.access_token as string;
  const revoke = (accessToken: string) =>
    postForm(server, '/oauth/revoke', { token: accessToken }, { authorization: basicAuth(client.id, client.secret!) });
  const introspect = async (accessToken: string) =>
    (
      await postForm(
        server,
        '/oauth/introspect',
        { token: accessToken },
        { authorization: basicAuth(client.id, client.secret!) },
      )
    ).json.active;
  const register = () =>
    fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://app.example/cb'], client_name: 'Outage App' }),
    });

  it('started without Redis, revokes at once and rate-limits per node while Redis is away', async () => {
    const accessToken = await token();
    const revoked = await timed(() => revoke(accessToken));
    expect(revoked.result.status).toBe(200);
    expect(revoked.ms).toBeLessThan(1000);
    expect(await introspect(accessToken)).toBe(false);
    // A rate-limited endpoint answers (no 500, no wait) with counts kept on this node.
    const answers = await Promise.all(Array.from({ length: 3 }, () => timed(register)));
    for (const answer of answers) {
      expect(answer.result.status).toBe(201);
      expect(answer.ms).toBeLessThan(1000);
    }
  });

  it('uses Redis again once it is back, on this deployment’s own channel', async () => {
    proxy.restore();
    const accessToken = await token();
    const jti = JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).jti as string;
    await eventually(async () => {
      await revoke(accessToken);
      return heard.some((h) => h.key === `j:${jti}`);
    }, 10_000);
    expect(heard.find((h) => h.key === `j:${jti}`)!.channel).toBe(`consentry:revoked:${server.config.ISSUER}`);
  });

  it('freezes without holding a request: revocation and rate-limited calls still answer at once', async () => {
    proxy.freeze();
    const accessToken = await token();
    const revoked = await timed(() => revoke(accessToken));
    expect(revoked.result.status).toBe(200);
    expect(revoked.ms).toBeLessThan(1000);
    const registered = await timed(register);
    expect(registered.result.status).toBe(201);
    expect(registered.ms).toBeLessThan(1000);
  });
});
