import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { createTestClient, type TestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { authorizeCode, discover, insecure, jwtClaims, retryingNonce } from './support.ts';

const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'dpop-test', version: '1.0.0' } },
});

/**
 * DPoP (RFC 9449) driven by strict clients nobody here wrote: oauth4webapi with a public client
 * and openid-client with a confidential one get DPoP-bound tokens (nonce round trip included),
 * refresh them, and use them at the Platform API, the scheduling API, the MCP server and UserInfo.
 */
describe.each(testDialects())('DPoP with oauth4webapi and openid-client (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let publicClient: TestClient;
  let confidential: TestClient;
  const resources = () => [`${server.url}/platform`, `${server.url}/api/v2`, `${server.url}/api/mcp`];

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    const scopes = ['openid', 'email', 'offline_access', 'read:providers', 'read:profile'];
    publicClient = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      allowedScopes: scopes,
    });
    confidential = await createTestClient(server, {
      redirectUris: ['https://rp.example/cb'],
      allowedScopes: scopes,
      grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    });
  });
  afterAll(() => close());

  it('advertises the proof algorithms in discovery and in each resource metadata document', async () => {
    const as = await discover(server);
    expect(as.dpop_signing_alg_values_supported).toEqual(['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256']);
    const prm = await (await fetch(`${server.url}/.well-known/oauth-protected-resource/platform`)).json();
    expect(prm).toMatchObject({
      dpop_signing_alg_values_supported: ['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256'],
      dpop_bound_access_tokens_required: false,
    });
  });

  it('oauth4webapi, public client: code + nonce → DPoP-bound tokens for every API → refresh bound to the key', async () => {
    const as = await discover(server);
    const rp: oauth.Client = { client_id: publicClient.id };
    const dpop = oauth.DPoP(rp, await oauth.generateKeyPair('ES256'));
    const { callback, verifier } = await authorizeCode(
      server,
      smtp,
      publicClient,
      { scope: 'openid email offline_access read:providers read:profile', resource: resources() },
      `dpop-public-${dialect}@example.com`,
    );
    const params = oauth.validateAuthResponse(as, rp, callback, oauth.skipStateCheck);

    // The first proof carries no nonce: the server answers use_dpop_nonce with one, the retry passes.
    let refusals = 0;
    const tokens = await retryingNonce(async () => {
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        rp,
        oauth.None(),
        params,
        publicClient.redirectUri,
        verifier,
        { DPoP: dpop, ...insecure },
      );
      if (response.status === 400) refusals++;
      return oauth.processAuthorizationCodeResponse(as, rp, response);
    });
    expect(refusals).toBe(1);
    expect(tokens.token_type).toBe('dpop');
    const jkt = await dpop.calculateThumbprint();
    expect(jwtClaims(tokens.access_token).cnf).toEqual({ jkt });

    const call = (method: string, url: string, body: string | null = null, headers: HeadersInit = {}) =>
      oauth.protectedResourceRequest(tokens.access_token, method, new URL(url), new Headers(headers), body, {
        DPoP: dpop,
        ...insecure,
      });
    const catalog = await call('GET', `${server.url}/platform/v2/providers/catalog`);
    expect(catalog.status).toBe(200);
    const me = await call('GET', `${server.url}/api/v2/me`);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: `dpop-public-${dialect}@example.com` });
    const mcp = await call('POST', `${server.url}/api/mcp`, INITIALIZE, MCP_HEADERS);
    expect(mcp.status).toBe(200);
    expect(await mcp.json()).toMatchObject({ result: { serverInfo: { name: expect.any(String) } } });
    const userinfo = await oauth.processUserInfoResponse(
      as,
      rp,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, rp, tokens.access_token, { DPoP: dpop, ...insecure }),
    );
    expect(userinfo.email).toBe(`dpop-public-${dialect}@example.com`);

    const refreshed = await retryingNonce(async () =>
      oauth.processRefreshTokenResponse(
        as,
        rp,
        await oauth.refreshTokenGrantRequest(as, rp, oauth.None(), tokens.refresh_token!, {
          DPoP: dpop,
          ...insecure,
        }),
      ),
    );
    expect(refreshed.token_type).toBe('dpop');
    expect(jwtClaims(refreshed.access_token).cnf).toEqual({ jkt });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('openid-client, confidential client: code + refresh + Platform API + UserInfo with DPoP; introspection shows cnf.jkt', async () => {
    const config = await client.discovery(
      new URL(server.url),
      confidential.id,
      confidential.secret,
      client.ClientSecretBasic(confidential.secret!),
      { execute: [client.allowInsecureRequests] },
    );
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keyPair);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: confidential.redirectUri,
      scope: 'openid email offline_access read:providers',
      state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      resource: `${server.url}/platform`,
    });
    const query = Object.fromEntries(url.searchParams);
    const { callback } = await authorizeCode(server, smtp, confidential, query, `dpop-conf-${dialect}@example.com`);

    // openid-client retries a use_dpop_nonce refusal by itself.
    const tokens = await client.authorizationCodeGrant(
      config,
      callback,
      { pkceCodeVerifier: verifier, expectedState: state },
      undefined,
      { DPoP: dpop },
    );
    expect(tokens.token_type).toBe('dpop');
    const jkt = jwtClaims(tokens.access_token).cnf as { jkt: string };
    expect(jkt.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const catalog = await client.fetchProtectedResource(
      config,
      tokens.access_token,
      new URL(`${server.url}/platform/v2/providers/catalog`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(catalog.status).toBe(200);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, client.skipSubjectCheck, { DPoP: dpop });
    expect(userinfo.email).toBe(`dpop-conf-${dialect}@example.com`);

    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, token_type: 'DPoP', cnf: jkt });

    // A confidential client's refresh token stays unbound (RFC 9449 §5): its client authentication constrains it.
    const refreshIntrospected = await client.tokenIntrospection(config, tokens.refresh_token!);
    expect(refreshIntrospected.active).toBe(true);
    expect(refreshIntrospected.cnf).toBeUndefined();
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type).toBe('dpop');
    expect(jwtClaims(refreshed.access_token).cnf).toEqual(jkt);
  });

  it('client_credentials with a DPoP proof gets a DPoP-bound token; without one a Bearer token', async () => {
    const config = await client.discovery(
      new URL(server.url),
      confidential.id,
      confidential.secret,
      client.ClientSecretBasic(confidential.secret!),
      { execute: [client.allowInsecureRequests] },
    );
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('EdDSA'));
    const bound = await client.clientCredentialsGrant(config, { scope: 'read:providers' }, { DPoP: dpop });
    expect(bound.token_type).toBe('dpop');
    expect(jwtClaims(bound.access_token).cnf).toBeDefined();
    const catalog = await client.fetchProtectedResource(
      config,
      bound.access_token,
      new URL(`${server.url}/platform/v2/providers/catalog`),
      'GET',
      undefined,
      undefined,
      { DPoP: dpop },
    );
    expect(catalog.status).toBe(200);

    const plain = await client.clientCredentialsGrant(config, { scope: 'read:providers' });
    expect(plain.token_type).toBe('bearer');
    expect(jwtClaims(plain.access_token).cnf).toBeUndefined();
  });
});
