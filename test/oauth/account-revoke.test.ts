import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe.each(testDialects())('revoking an app from /account (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect, env: { REVOCATION_CACHE_MS: '60000' } }));
    client = await createTestClient(server, {
      name: 'Budget Buddy',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access', 'read:assets'],
    });
  });
  afterAll(() => close());

  it('lists the app with its scopes and revokes every token of the grant at once', async () => {
    const agent = new PageAgent(server.url);
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, {
      email: 'lin@example.com',
      params: { scope: 'openid offline_access read:assets' },
    });
    const tokens = (
      await postForm(server, '/oauth/token', {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
        client_id: client.id,
      })
    ).json;
    const userinfo = () =>
      fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } });
    expect((await userinfo()).status).toBe(200); // cached as "not revoked" for 60 s

    const account = await agent.get('/account');
    const page = await account.text();
    expect(page).toContain('Budget Buddy');
    expect(page).toContain('See your crypto balances and positions');
    const revoked = await agent.submit(page, {}, '/revoke');
    expect(revoked.status).toBe(303);
    expect(revoked.headers.get('location')).toBe('/account');

    expect((await userinfo()).status).toBe(401);
    const refreshed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: client.id,
    });
    expect(refreshed.json.error).toBe('invalid_grant');
    expect(await (await agent.get('/account')).text()).not.toContain('Budget Buddy');

    // Consent is asked again next time.
    const again = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }).toString()}`,
    );
    expect(again.headers.get('location')).toMatch(/^\/oauth\/interaction\//);
  });

  it('refuses a revoke without a valid CSRF token', async () => {
    const agent = new PageAgent(server.url);
    const res = await agent.post('/account/apps/anything/revoke', { csrf: 'forged' });
    expect(res.status).toBe(403);
  });
});
