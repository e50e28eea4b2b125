import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ApiClient, newHost } from './support/api.ts';

/** Sends `count` requests, 20 at a time; returns the statuses. */
async function burst(api: ApiClient, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < count; sent += 20) {
    const batch = await Promise.all(Array.from({ length: Math.min(20, count - sent) }, () => api.get('/me')));
    statuses.push(...batch.map((r) => r.status));
  }
  return statuses;
}

describe.each(testDialects())('API rate limit of 600 requests per minute per token (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
  });
  afterAll(() => server.close());

  it('answers 429 in the error envelope past 600, with X-RateLimit-* headers, per token', async () => {
    const { api, userId } = await newHost(server);
    const statuses = await burst(api, 600);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const over = await api.get('/me');
    expect(over.status).toBe(429);
    expect(over.body).toMatchObject({ title: 'Too Many Requests', message: expect.stringContaining('600') });
    expect(over.headers.get('x-ratelimit-limit')).toBe('600');
    expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(over.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    const other = new ApiClient(
      server,
      (await server.oauth.personalTokens.create({ userId, name: 'second', scopes: ['read:profile'] })).token,
    );
    expect((await other.get('/me')).status).toBe(200);
  });
});

describe.skipIf(!process.env.TEST_REDIS_URL || !process.env.TEST_DATABASE_URL)(
  'API rate limit shared by two nodes through Redis',
  () => {
    it('counts one token’s requests on both nodes together', async () => {
      const database = await freshDatabaseUrl('postgres');
      const env = {
        REDIS_URL: process.env.TEST_REDIS_URL!,
        SECRET_KEY: 'c2hhcmVkLXNlY3JldC1rZXktdGhhdC1pcy0zMi1ieXRlcyE',
      };
      const a = await startTestServer({ databaseUrl: database.url, env });
      const b = await startTestServer({ databaseUrl: database.url, env });
      try {
        const { api } = await newHost(a);
        const onB = new ApiClient(b, api.token);
        expect((await burst(api, 300)).every((s) => s === 200)).toBe(true);
        expect((await onB.get('/me')).headers.get('x-ratelimit-remaining')).toBe('299');
        expect((await burst(onB, 299)).every((s) => s === 200)).toBe(true);
        expect((await api.get('/me')).status).toBe(429);
      } finally {
        await a.close();
        await b.close();
        await database.drop();
      }
    });
  },
);
