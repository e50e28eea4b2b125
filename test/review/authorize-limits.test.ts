import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair } from '../helpers/oauth-flow.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

describe.each(testDialects())('review #5: unauthenticated storage growth at /oauth/authorize (%s)', (dialect) => {
  let server: TestServer;
  let client: TestClient;

  beforeAll(async () => {
    server = await startTestServer({
      dialect,
      env: { AUTHORIZE_MAX_PENDING_PER_IP: '3', AUTHORIZE_RATE_LIMIT_PER_MINUTE: '12' },
    });
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'read:assets'],
    });
  });
  afterAll(() => server.close());

  const authorize = (extra: Record<string, string> = {}) =>
    fetch(
      `${server.url}/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'openid', state: 'st', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...extra }).toString()}`,
      { redirect: 'manual' },
    );
  const pending = async () =>
    (await server.kernel.database.db.selectFrom('interactions').select('id').execute()).length;

  it('caps state, nonce and login_hint at 512 characters: invalid_request back to the client, nothing stored', async () => {
    for (const name of ['state', 'nonce', 'login_hint']) {
      const response = await authorize({ [name]: 'x'.repeat(513) });
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(client.redirectUri);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toContain(`${name} must be at most 512 characters`);
      expect(location.searchParams.get('state')).toBe(name === 'state' ? null : 'st');
    }
    expect(await pending()).toBe(0);
    // 512 is fine.
    expect((await authorize({ state: 'x'.repeat(512), nonce: 'n'.repeat(512) })).headers.get('location')).toMatch(
      /^\/signin\?/,
    );
    expect(await pending()).toBe(1);
  });

  it('bounds the pending requests of one address (a 429 page past it), freed as they expire', async () => {
    expect((await authorize()).status).toBe(303);
    expect((await authorize()).status).toBe(303);
    const refused = await authorize();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toContain('Too many sign-in requests are waiting from your network');
    expect(await pending()).toBe(3);
    server.clock.advance(server.config.INTERACTION_TTL_SECONDS * 1000 + 1);
    expect((await authorize()).status).toBe(303);
  });

  it('rate-limits /oauth/authorize per IP address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await authorize({ state: 'x'.repeat(600) })).status);
    expect(statuses).toContain(429);
    const limited = await authorize();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
  });
});
