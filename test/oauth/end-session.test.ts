import { generateKeyPair, SignJWT } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { discover, isSignedIn, signInToApp } from '../helpers/logout.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const SIGNED_OUT = 'https://rp.example/signed-out';

/** OIDC RP-Initiated Logout 1.0, driven by openid-client's buildEndSessionUrl. */
describe.each(testDialects())('RP-initiated logout at /oauth/end_session (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;
  let config: client.Configuration;
  let people = 0;
  const nextEmail = () => `leaver-${++people}@example.com`;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    registered = await createTestClient(server, {
      name: 'Ledger Notes',
      redirectUris: ['https://rp.example/cb'],
      allowedScopes: ['openid', 'email'],
      postLogoutRedirectUris: [SIGNED_OUT],
    });
    config = await discover(server, registered);
  });
  afterAll(() => close());

  it('is advertised in discovery with back-channel logout', () => {
    const metadata = config.serverMetadata();
    expect(metadata.end_session_endpoint).toBe(`${server.url}/oauth/end_session`);
    expect(metadata.backchannel_logout_supported).toBe(true);
    expect(metadata.backchannel_logout_session_supported).toBe(true);
    expect(metadata.claims_supported).toContain('sid');
  });

  it('signs out at once with an ID token of this session and returns to the app with state', async () => {
    const agent = new PageAgent(server.url);
    const { tokens, claims } = await signInToApp(server, agent, smtp, config, registered, nextEmail());
    expect(typeof claims.sid).toBe('string');
    expect(await isSignedIn(agent)).toBe(true);

    const url = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'bye-123',
    });
    const response = await agent.get(url.toString());
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(SIGNED_OUT);
    expect(back.searchParams.get('state')).toBe('bye-123');

    expect(await isSignedIn(agent)).toBe(false);
    // The next authorization asks the person to sign in again.
    const again = await agent.get(
      client
        .buildAuthorizationUrl(config, {
          redirect_uri: registered.redirectUri,
          scope: 'openid',
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: 'S256',
        })
        .toString(),
    );
    expect(new URL(again.headers.get('location')!, server.url).pathname).toBe('/signin');
  });

  it('accepts an expired ID token as the hint', async () => {
    const agent = new PageAgent(server.url);
    const { tokens } = await signInToApp(server, agent, smtp, config, registered, nextEmail());
    server.clock.advance(2 * 3600_000); // ID tokens live as long as the access token (≤ 1 h here)
    try {
      const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, state: 's' });
      const response = await agent.get(url.toString());
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('You are signed out');
      expect(await isSignedIn(agent)).toBe(false);
    } finally {
      server.clock.advance(-2 * 3600_000);
    }
  });

  it('refuses an unregistered post_logout_redirect_uri with a page, and signs nobody out', async () => {
    const agent = new PageAgent(server.url);
    const { tokens } = await signInToApp(server, agent, smtp, config, registered, nextEmail());
    for (const uri of ['https://evil.example/signed-out', `${SIGNED_OUT}/`, `${SIGNED_OUT}?x=1`]) {
      const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: uri });
      const response = await agent.get(url.toString());
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('not registered for this app');
    }
    // Naming no app at all cannot validate a redirect either.
    const bare = await agent.get(`/oauth/end_session?post_logout_redirect_uri=${encodeURIComponent(SIGNED_OUT)}`);
    expect(bare.status).toBe(400);
    expect(bare.headers.get('location')).toBeNull();
    expect(await isSignedIn(agent)).toBe(true);
  });

  it('refuses a forged, tampered or foreign id_token_hint', async () => {
    const agent = new PageAgent(server.url);
    const { tokens, claims } = await signInToApp(server, agent, smtp, config, registered, nextEmail());
    const { privateKey } = await generateKeyPair('ES256');
    const jwks = (await (await fetch(`${server.url}/oauth/jwks`)).json()) as { keys: Array<{ kid: string }> };
    const forged = await new SignJWT({ sub: claims.sub, sid: claims.sid })
      .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: jwks.keys[0]!.kid })
      .setIssuer(server.url)
      .setAudience(registered.id)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const [header, payload, signature] = tokens.id_token!.split('.');
    const altered = JSON.parse(Buffer.from(payload!, 'base64url').toString()) as Record<string, unknown>;
    altered.sub = 'someone-else';
    const tampered = `${header}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    const other = await createTestClient(server, { redirectUris: ['https://other.example/cb'] });

    for (const [hint, extra] of [
      [forged, {}],
      [tampered, {}],
      ['not-a-jwt', {}],
      [tokens.access_token, {}], // ours, but an access token (typ at+jwt)
      [tokens.id_token!, { client_id: other.id }], // issued to another app
    ] as const) {
      const query = new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: SIGNED_OUT, ...extra });
      const response = await agent.get(`/oauth/end_session?${query}`);
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain('This sign-out request cannot continue');
    }
    expect(await isSignedIn(agent)).toBe(true);
  });

  it('asks first when there is no hint, naming the app, and signs out once confirmed', async () => {
    const agent = new PageAgent(server.url);
    await signInToApp(server, agent, smtp, config, registered, nextEmail());
    const url = client.buildEndSessionUrl(config, { post_logout_redirect_uri: SIGNED_OUT, state: 'st-7' });
    expect(url.searchParams.get('client_id')).toBe(registered.id);
    const page = await agent.get(url.toString());
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Sign out of Consentry?');
    expect(html).toContain('Ledger Notes');
    expect(await isSignedIn(agent)).toBe(true); // nothing happened yet

    // A forged confirmation (no CSRF token) changes nothing.
    const forged = await agent.post('/oauth/end_session/confirm', {
      client_id: registered.id,
      post_logout_redirect_uri: SIGNED_OUT,
    });
    expect(forged.status).toBe(403);
    expect(await isSignedIn(agent)).toBe(true);

    const confirmed = await agent.submit(html, {}, '/oauth/end_session/confirm');
    expect(confirmed.status).toBe(303);
    const back = new URL(confirmed.headers.get('location')!);
    expect(back.searchParams.get('state')).toBe('st-7');
    expect(`${back.origin}${back.pathname}`).toBe(SIGNED_OUT);
    expect(await isSignedIn(agent)).toBe(false);
  });

  it("asks first when the hint is another person's ID token", async () => {
    const someoneElse = await signInToApp(server, new PageAgent(server.url), smtp, config, registered, nextEmail());
    const agent = new PageAgent(server.url);
    await signInToApp(server, agent, smtp, config, registered, nextEmail());
    const url = client.buildEndSessionUrl(config, { id_token_hint: someoneElse.tokens.id_token! });
    const page = await agent.get(url.toString());
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Sign out of Consentry?');
    expect(await isSignedIn(agent)).toBe(true);
  });

  it('without a session, goes straight back; a cookie-less POST continues as a GET', async () => {
    const url = client.buildEndSessionUrl(config, { post_logout_redirect_uri: SIGNED_OUT, state: 'x' });
    const response = await new PageAgent(server.url).get(url.toString());
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('state')).toBe('x');

    // A fresh agent has no cookies: what a browser sends on a cross-site POST (SameSite=Lax).
    const posted = await new PageAgent(server.url).post('/oauth/end_session', {
      client_id: registered.id,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'p',
    });
    expect(posted.status).toBe(303);
    const next = new URL(posted.headers.get('location')!, server.url);
    expect(next.pathname).toBe('/oauth/end_session');
    expect(next.searchParams.get('state')).toBe('p');
  });

  it('signs out by form POST when the session cookie comes along', async () => {
    const agent = new PageAgent(server.url);
    const { tokens } = await signInToApp(server, agent, smtp, config, registered, nextEmail());
    const response = await agent.post('/oauth/end_session', {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: SIGNED_OUT,
      state: 'post',
    });
    expect(response.status).toBe(303);
    expect(new URL(response.headers.get('location')!).searchParams.get('state')).toBe('post');
    expect(await isSignedIn(agent)).toBe(false);
  });
});
