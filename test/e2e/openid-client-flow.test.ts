import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** openid-client (a certified RP) with a confidential client using client_secret_basic. */
describe.each(testDialects())('openid-client end to end, confidential client (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    registered = await createTestClient(server, {
      redirectUris: ['https://rp.example/cb'],
      allowedScopes: ['openid', 'email', 'phone', 'read:assets', 'read:transactions'],
    });
  });
  afterAll(() => close());

  it('runs the whole flow and sees revocation in introspection', async () => {
    const config = await client.discovery(
      new URL(server.url),
      registered.id,
      registered.secret,
      client.ClientSecretBasic(registered.secret!),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: registered.redirectUri,
      scope: 'openid email read:assets read:transactions',
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });

    const agent = new PageAgent(server.url);
    const signedIn = await signInThroughPages(agent, smtp, 'grace@example.com', await agent.get(url.toString()));
    const consent = await agent.get(signedIn.headers.get('location')!);
    const approved = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    const callback = new URL(approved.headers.get('location')!);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
    });
    const claims = tokens.claims()!;
    expect(claims.iss).toBe(server.url);
    expect(tokens.expires_in).toBe(900); // portfolio scopes: calico profile
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(userinfo.email).toBe('grace@example.com');

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(true);

    await client.tokenRevocation(config, refreshed.refresh_token!);
    expect((await client.tokenIntrospection(config, refreshed.access_token)).active).toBe(false);
    expect((await client.tokenIntrospection(config, refreshed.refresh_token!)).active).toBe(false);
    await expect(client.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('prompt=none answers login_required without a session and consent_required without a grant', async () => {
    const config = await client.discovery(
      new URL(server.url),
      registered.id,
      registered.secret,
      client.ClientSecretBasic(registered.secret!),
      { execute: [client.allowInsecureRequests] },
    );
    const agent = new PageAgent(server.url);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: registered.redirectUri,
      scope: 'openid',
      state: 's',
      prompt: 'none',
    });
    const noSession = new URL((await agent.get(url.toString())).headers.get('location')!);
    expect(noSession.searchParams.get('error')).toBe('login_required');
    expect(noSession.searchParams.get('iss')).toBe(server.url);

    const other = await createTestClient(server, {
      redirectUris: ['https://other.example/cb'],
      allowedScopes: ['openid'],
    });
    const otherConfig = await client.discovery(
      new URL(server.url),
      other.id,
      other.secret,
      client.ClientSecretBasic(other.secret!),
      { execute: [client.allowInsecureRequests] },
    );
    await signInThroughPages(agent, smtp, 'grace@example.com', await agent.get('/signin?return_to=/account'));
    const noGrant = new URL(
      (
        await agent.get(
          client
            .buildAuthorizationUrl(otherConfig, {
              redirect_uri: other.redirectUri,
              scope: 'openid',
              state: 's',
              prompt: 'none',
            })
            .toString(),
        )
      ).headers.get('location')!,
    );
    expect(noGrant.searchParams.get('error')).toBe('consent_required');
  });
});
