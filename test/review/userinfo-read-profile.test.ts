import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe('review #16: /oauth/userinfo ignores read:profile', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let agent: PageAgent;

  beforeAll(async () => {
    // The profile is written straight into the database below, as another node would write it:
    // without a cache of people there is no USER_CACHE_MS to wait out.
    ({ server, smtp, close } = await startServerWithMail({ env: { USER_CACHE_MS: '0' } }));
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'profile', 'email', 'read:profile', 'read:bookings'],
    });
    agent = new PageAgent(server.url);
    await authorizeThroughPages(server, agent, smtp, client, {
      email: 'ines@example.com',
      params: { scope: 'openid' },
    });
    await server.kernel.database.db
      .updateTable('users')
      .set({ name: 'Inès Duarte', time_zone: 'Europe/Lisbon' })
      .where('email', '=', 'ines@example.com')
      .execute();
  });
  afterAll(() => close());

  async function userinfoWith(scope: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, { params: { scope } });
    const tokens = (
      await postForm(server, '/oauth/token', {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
        client_id: client.id,
      })
    ).json;
    const response = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token as string}` },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('a token with read:profile (meant for the scheduling API) gets name, email and time zone', async () => {
    const { status, body } = await userinfoWith('read:profile');
    expect(status).toBe(200);
    expect(body).toEqual({
      sub: expect.any(String),
      name: 'Inès Duarte',
      email: 'ines@example.com',
      zoneinfo: 'Europe/Lisbon',
    });
  });

  it('keeps the OIDC scopes as they were', async () => {
    expect((await userinfoWith('openid')).body).toEqual({ sub: expect.any(String) });
    const profile = (await userinfoWith('openid profile')).body;
    expect(profile).toMatchObject({ name: 'Inès Duarte', zoneinfo: 'Europe/Lisbon', updated_at: expect.any(Number) });
    expect(profile.email).toBeUndefined();
    expect((await userinfoWith('openid email')).body).toMatchObject({
      email: 'ines@example.com',
      email_verified: true,
    });
    const both = (await userinfoWith('openid read:profile')).body;
    expect(both).toMatchObject({ name: 'Inès Duarte', email: 'ines@example.com', zoneinfo: 'Europe/Lisbon' });
  });

  it('a product token whose scopes release no claims is still refused', async () => {
    const { status, body } = await userinfoWith('read:bookings');
    expect(status).toBe(403);
    expect(body.error).toBe('insufficient_scope');
  });
});
