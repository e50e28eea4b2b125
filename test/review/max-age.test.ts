import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { authorizeThroughPages, pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

describe('review #13: OIDC max_age is ignored', () => {
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
      allowedScopes: ['openid', 'profile'],
    });
    agent = new PageAgent(server.url);
    await authorizeThroughPages(server, agent, smtp, client, { email: 'age@example.com', params: { scope: 'openid' } });
  });
  afterAll(() => close());

  const authorize = (pair: { challenge: string }, extra: Record<string, string>) =>
    agent.get(
      `/oauth/authorize?${new URLSearchParams({ response_type: 'code', client_id: client.id, redirect_uri: client.redirectUri, scope: 'openid', state: 'st', code_challenge: pair.challenge, code_challenge_method: 'S256', ...extra }).toString()}`,
    );
  const idToken = async (location: string, verifier: string) => {
    const code = new URL(location).searchParams.get('code')!;
    const tokens = (
      await postForm(server, '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        code_verifier: verifier,
        client_id: client.id,
      })
    ).json;
    return decodeJwt(tokens.id_token as string);
  };

  it('asks for a new sign-in when the session is older than max_age, and auth_time says when it happened', async () => {
    server.clock.advance(120_000);
    const young = pkcePair();
    const enough = await authorize(young, { max_age: '600' });
    const kept = await idToken(enough.headers.get('location')!, young.verifier);
    expect(Math.floor(server.clock.now() / 1000) - (kept.auth_time as number)).toBeGreaterThanOrEqual(120);

    const pair = pkcePair();
    const tooOld = await authorize(pair, { max_age: '60' });
    expect(tooOld.headers.get('location')).toMatch(/^\/signin\?/);
    const signedIn = await signInThroughPages(agent, smtp, 'age@example.com', tooOld);
    const back = await agent.get(signedIn.headers.get('location')!);
    const claims = await idToken(back.headers.get('location')!, pair.verifier);
    expect(claims.auth_time).toBe(Math.floor(server.clock.now() / 1000));
  });

  it('max_age=0 means sign in again, once (no loop); a malformed max_age is invalid_request', async () => {
    server.clock.advance(1000);
    const pair = pkcePair();
    const zero = await authorize(pair, { max_age: '0' });
    expect(zero.headers.get('location')).toMatch(/^\/signin\?/);
    server.clock.advance(1000); // the sign-in itself takes a moment
    const signedIn = await signInThroughPages(agent, smtp, 'age@example.com', zero);
    server.clock.advance(1000);
    const back = await agent.get(signedIn.headers.get('location')!);
    expect(new URL(back.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    const bad = new URL((await authorize(pkcePair(), { max_age: '-5' })).headers.get('location')!);
    expect(bad.searchParams.get('error')).toBe('invalid_request');
  });

  it('prompt=login forces a new sign-in even for a fresh session', async () => {
    const relogin = await authorize(pkcePair(), { prompt: 'login' });
    expect(relogin.headers.get('location')).toMatch(/^\/signin\?/);
  });
});
