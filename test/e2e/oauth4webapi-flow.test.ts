import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const insecure = { [oauth.allowInsecureRequests]: true };

/** A strict third-party client (oauth4webapi) drives the whole flow against a real server. */
describe.each(testDialects())('oauth4webapi end to end, public client (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    registered = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      allowedScopes: ['openid', 'profile', 'email', 'offline_access', 'read:bookings'],
    });
  });
  afterAll(() => close());

  it('discovery → authorize (sign-in + consent) → code + PKCE → userinfo → refresh → revoke → introspection inactive', async () => {
    const issuer = new URL(server.url);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }),
    );
    const client: oauth.Client = { client_id: registered.id };
    const auth = oauth.None();
    const redirectUri = 'http://127.0.0.1:61234/callback'; // any loopback port matches the registration
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();

    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'openid profile email offline_access read:bookings',
      state,
      nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const agent = new PageAgent(server.url);
    const started = await agent.get(url.toString());
    expect(started.status).toBe(303);
    const signedIn = await signInThroughPages(agent, smtp, 'ada@example.com', started);
    const consent = await agent.get(signedIn.headers.get('location')!);
    const consentHtml = await consent.text();
    expect(consentHtml).toContain('Test App');
    expect(consentHtml).toContain('See your bookings');
    expect(consentHtml).toContain('127.0.0.1:61234');
    const approved = await agent.submit(consentHtml, { decision: 'approve' }, '/oauth/interaction/');
    expect(approved.status).toBe(303);
    const callback = new URL(approved.headers.get('location')!);
    expect(callback.origin + callback.pathname).toBe(redirectUri);

    const params = oauth.validateAuthResponse(as, client, callback, state);
    const tokenResponse = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri,
      verifier,
      insecure,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, {
      expectedNonce: nonce,
      requireIdToken: true,
    });
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.refresh_token).toMatch(/^rt_/);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.nonce).toBe(nonce);

    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      claims.sub,
      await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    expect(userinfo).toMatchObject({ sub: claims.sub, email: 'ada@example.com', email_verified: true });

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // The person's second visit skips consent: the stored grant covers the request.
    const again = await agent.get(url.toString().replace(state, oauth.generateRandomState()));
    expect(new URL(again.headers.get('location')!).searchParams.get('code')).toBeTruthy();

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, insecure),
    );
    const afterRevoke = await oauth.userInfoRequest(as, client, refreshed.access_token, insecure);
    expect(afterRevoke.status).toBe(401);
    const reuse = await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token!, insecure);
    await expect(oauth.processRefreshTokenResponse(as, client, reuse)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    // Introspection is for clients that can authenticate: a confidential one sees the family revoked.
    const rs = await createTestClient(server);
    const introspect = await oauth.introspectionRequest(
      as,
      { client_id: registered.id },
      oauth.None(),
      refreshed.access_token,
      insecure,
    );
    expect(introspect.status).toBe(401);
    expect(rs.secret).toMatch(/^cs_/);
  });
});
