import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { authorizeThroughPages, pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe('authorization requests: prompts, nonce, defaults and malformed input', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let agent: PageAgent;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail());
    client = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'profile', 'read:assets', 'read:transactions'],
      defaultScopes: ['read:assets'],
    });
    agent = new PageAgent(server.url);
    await authorizeThroughPages(server, agent, smtp, client, {
      email: 'prompt@example.com',
      params: { scope: 'openid profile' },
    });
  });
  afterAll(() => close());

  const query = (extra: Record<string, string>) =>
    `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, state: 'st', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', scope: 'openid profile', ...extra }).toString()}`;

  it('skips consent when a stored grant covers the request, asks again with prompt=consent or wider scopes', async () => {
    const covered = await agent.get(query({}));
    expect(new URL(covered.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect((await agent.get(query({ prompt: 'consent' }))).headers.get('location')).toMatch(/^\/oauth\/interaction\//);
    expect((await agent.get(query({ scope: 'openid read:transactions' }))).headers.get('location')).toMatch(
      /^\/oauth\/interaction\//,
    );
  });

  it('re-authenticates on prompt=login, and auth_time moves forward in the ID token', async () => {
    const pair = pkcePair();
    const first = await agent.get(query({ code_challenge: pair.challenge }));
    const code = new URL(first.headers.get('location')!).searchParams.get('code')!;
    const before = decodeJwt(
      (
        await postForm(server, '/oauth/token', {
          grant_type: 'authorization_code',
          code,
          redirect_uri: client.redirectUri,
          code_verifier: pair.verifier,
          client_id: client.id,
        })
      ).json.id_token as string,
    );
    server.clock.advance(5000);
    try {
      const relogin = await agent.get(query({ prompt: 'login' }));
      expect(relogin.headers.get('location')).toMatch(/^\/signin\?/);
      expect(relogin.headers.get('location')).toContain('prompt=login');
      const signedIn = await signInThroughPages(agent, smtp, 'prompt@example.com', relogin);
      const back = await agent.get(signedIn.headers.get('location')!);
      const location = new URL(back.headers.get('location')!);
      expect(location.searchParams.get('code')).toBeTruthy();
    } finally {
      server.clock.advance(-5000);
    }
    expect(before.auth_time).toBeTypeOf('number');
  });

  it("puts the nonce in the ID token and uses the client's default scopes when none are asked for", async () => {
    const pair = pkcePair();
    const res = await agent.get(query({ nonce: 'n-0S6_WzA2Mj', code_challenge: pair.challenge }));
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const tokens = (
      await postForm(server, '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        code_verifier: pair.verifier,
        client_id: client.id,
      })
    ).json;
    expect(decodeJwt(tokens.id_token as string).nonce).toBe('n-0S6_WzA2Mj');

    const defaults = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256' }).toString()}`,
    );
    const consent = await agent.get(defaults.headers.get('location')!);
    expect(await consent.text()).toContain('See your crypto balances');
  });

  it('answers malformed requests without a 500: repeated, oversized, unknown prompt', async () => {
    const repeated = await agent.get(`${query({})}&state=again`);
    expect(repeated.status).toBe(400);
    expect(repeated.headers.get('location')).toBeNull();
    expect(repeated.headers.get('content-type')).toMatch(/^text\/html/);
    const oversized = await agent.get(query({ state: 'x'.repeat(5000) }));
    expect(oversized.status).toBe(400);
    const badPrompt = await agent.get(query({ prompt: 'select_account' }));
    expect(new URL(badPrompt.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const noneAndLogin = await agent.get(query({ prompt: 'none login' }));
    expect(new URL(noneAndLogin.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const missing = await agent.get('/oauth/authorize');
    expect(missing.status).toBe(400);
    const interactionGone = await agent.get('/oauth/interaction/does-not-exist');
    expect(interactionGone.status).toBe(400);
  });
});
