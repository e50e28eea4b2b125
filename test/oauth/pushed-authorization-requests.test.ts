import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { purgeExpired } from '../../src/kernel/jobs/janitor.ts';
import { PageAgent } from '../helpers/browser.ts';
import { postForm } from '../helpers/clients.ts';
import { clientKeyPair, signAssertion, type ClientKeyPair } from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { approveInBrowser, pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const insecure = { [oauth.allowInsecureRequests]: true };
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Pushed authorization requests (RFC 9126) with private_key_jwt, driven by oauth4webapi and openid-client. */
describe.each(testDialects())('pushed authorization requests (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let key: ClientKeyPair;
  /** Confidential, private_key_jwt, registered with require_pushed_authorization_requests. */
  let keyed: string;
  let publicId: string;
  const redirectUri = 'https://rp.example/cb';

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    key = await clientKeyPair('ES256');
    keyed = (
      await server.oauth.clientService.create({
        name: 'Ledger Reader',
        type: 'confidential',
        redirectUris: [redirectUri],
        allowedScopes: ['openid', 'email', 'offline_access', 'read:assets', 'read:bookings'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [key.publicJwk] },
        requirePushedAuthorizationRequests: true,
      })
    ).client.id;
    publicId = (
      await server.oauth.clientService.create({
        name: 'Desktop App',
        type: 'public',
        redirectUris: ['http://127.0.0.1/callback'],
        allowedScopes: ['openid', 'read:bookings'],
      })
    ).client.id;
  });
  afterAll(() => close());

  /** Pushes parameters for `keyed` with a fresh private_key_jwt assertion, over plain HTTP. */
  const push = async (params: Record<string, string>, clientId = keyed) =>
    postForm(server, '/oauth/par', {
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await signAssertion(key, clientId, server.url),
      ...params,
    });
  const authorizeUrl = (clientId: string, requestUri: string) =>
    `/oauth/authorize?${new URLSearchParams({ client_id: clientId, request_uri: requestUri })}`;
  const codeRequest = () => {
    const { verifier, challenge } = pkcePair();
    return {
      verifier,
      params: {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid read:bookings',
        state: 'st-1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      },
    };
  };

  it('advertises the endpoint and the methods to authenticate there', () => {
    expect(as.pushed_authorization_request_endpoint).toBe(`${server.url}/oauth/par`);
    expect(as.require_pushed_authorization_requests).toBe(false);
    expect(as.token_endpoint_auth_methods_supported).toEqual(expect.arrayContaining(['private_key_jwt']));
  });

  it('oauth4webapi: push with private_key_jwt, authorize by request_uri, redeem the code with private_key_jwt', async () => {
    const client: oauth.Client = { client_id: keyed };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(
        as,
        client,
        auth,
        {
          response_type: 'code',
          redirect_uri: redirectUri,
          scope: 'openid email offline_access read:bookings',
          state,
          nonce,
          code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        },
        insecure,
      ),
    );
    expect(pushed.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[\w-]{43}$/);
    expect(pushed.expires_in).toBe(60);

    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({ client_id: keyed, request_uri: pushed.request_uri }).toString();
    const callback = await approveInBrowser(server, new PageAgent(server.url), smtp, url.toString(), 'par@example.com');
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirectUri, verifier, insecure),
      { expectedNonce: nonce, requireIdToken: true },
    );
    expect(tokens.refresh_token).toMatch(/^rt_/);
    const sub = oauth.getValidatedIdTokenClaims(tokens)!.sub;
    const userinfo = await oauth.processUserInfoResponse(
      as,
      client,
      sub,
      await oauth.userInfoRequest(as, client, tokens.access_token, insecure),
    );
    expect(userinfo.email).toBe('par@example.com');
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, insecure),
    );
    expect(refreshed.access_token).toBeTruthy();
  });

  it('openid-client: buildAuthorizationUrlWithPAR with PrivateKeyJwt, then the code grant', async () => {
    const config = await openid.discovery(
      new URL(server.url),
      keyed,
      undefined,
      openid.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
      { execute: [openid.allowInsecureRequests] },
    );
    const verifier = openid.randomPKCECodeVerifier();
    const state = openid.randomState();
    const url = await openid.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: redirectUri,
      scope: 'openid read:assets',
      state,
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const callback = await approveInBrowser(server, new PageAgent(server.url), smtp, url.toString(), 'oc@example.com');
    const tokens = await openid.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens.claims()!.iss).toBe(server.url);
    expect(tokens.expires_in).toBe(900); // read:assets: the portfolio's calico profile
  });

  it('a public client pushes by client_id alone; PKCE stays required', async () => {
    const { challenge } = pkcePair();
    const base = { client_id: publicId, response_type: 'code', redirect_uri: 'http://127.0.0.1:5555/callback' };
    const withoutPkce = await postForm(server, '/oauth/par', { ...base, scope: 'read:bookings' });
    expect(withoutPkce.status).toBe(400);
    expect(withoutPkce.json.error).toBe('invalid_request');
    const pushed = await postForm(server, '/oauth/par', {
      ...base,
      scope: 'read:bookings',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    expect(pushed.status).toBe(201);
    expect(pushed.headers.get('cache-control')).toBe('no-store');
    const started = await new PageAgent(server.url).get(authorizeUrl(publicId, pushed.json.request_uri as string));
    expect(started.status).toBe(303);
    expect(new URL(started.headers.get('location')!, server.url).pathname).toBe('/signin');
  });

  it('a request_uri is used once: a second /authorize with it is refused with a page', async () => {
    const pushed = await push(codeRequest().params);
    expect(pushed.status).toBe(201);
    const agent = new PageAgent(server.url);
    const url = authorizeUrl(keyed, pushed.json.request_uri as string);
    expect((await agent.get(url)).status).toBe(303);
    const again = await agent.get(url);
    expect(again.status).toBe(400);
    expect(again.headers.get('location')).toBeNull();
    expect(await again.text()).toContain('was already used');
  });

  it('a request_uri expires after PAR_REQUEST_URI_TTL_SECONDS', async () => {
    const pushed = await push(codeRequest().params);
    server.clock.advance(61_000);
    const late = await new PageAgent(server.url).get(authorizeUrl(keyed, pushed.json.request_uri as string));
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('has expired');
  });

  it('a request_uri works only with the client that pushed it (and is not spent by another)', async () => {
    const pushed = await push(codeRequest().params);
    const requestUri = pushed.json.request_uri as string;
    const agent = new PageAgent(server.url);
    const stolen = await agent.get(authorizeUrl(publicId, requestUri));
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain('pushed by another client');
    expect((await agent.get(authorizeUrl(keyed, requestUri))).status).toBe(303);
  });

  it('a client registered with require_pushed_authorization_requests cannot use a plain request', async () => {
    const { params } = codeRequest();
    const res = await new PageAgent(server.url).get(
      `/oauth/authorize?${new URLSearchParams({ ...params, client_id: keyed })}`,
    );
    expect(res.status).toBe(303);
    const back = new URL(res.headers.get('location')!);
    expect(back.origin + back.pathname).toBe(redirectUri);
    expect(back.searchParams.get('error')).toBe('invalid_request');
    expect(back.searchParams.get('error_description')).toMatch(/pushed to \/oauth\/par/);
    expect(back.searchParams.get('state')).toBe('st-1');
    expect(back.searchParams.get('iss')).toBe(server.url);
  });

  it('validates the pushed request as /authorize would, answering JSON errors to the client', async () => {
    const { params } = codeRequest();
    const cases: Array<[Record<string, string>, number, string]> = [
      [{ ...params, redirect_uri: 'https://evil.example/cb' }, 400, 'invalid_request'],
      [{ ...params, scope: 'openid write:everything' }, 400, 'invalid_scope'],
      [{ ...params, response_type: 'token' }, 400, 'unsupported_response_type'],
      [{ ...params, resource: 'https://elsewhere.example/api' }, 400, 'invalid_target'],
      [{ ...params, code_challenge_method: 'plain' }, 400, 'invalid_request'],
      [{ ...params, request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 400, 'invalid_request'],
    ];
    for (const [body, status, error] of cases) {
      const res = await push(body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.json.error, JSON.stringify(body)).toBe(error);
    }
    const anonymous = await postForm(server, '/oauth/par', { ...params, client_id: keyed });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json.error).toBe('invalid_client');
    const json = await fetch(`${server.url}/oauth/par`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    expect(json.status).toBe(400);
  });

  it('a request_uri that is not from /oauth/par is not fetched: request_uri_not_supported', async () => {
    const res = await new PageAgent(server.url).get(authorizeUrl(keyed, 'https://rp.example/request.jwt'));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('request objects are not fetched from URLs');
  });

  it('the janitor removes pushed requests and seen client-assertion jtis once they expire', async () => {
    expect((await push(codeRequest().params)).status).toBe(201);
    const db = server.kernel.database.db;
    const count = async (table: 'pushed_authorization_requests' | 'seen_jtis') =>
      Number(
        (await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirst())!.n,
      );
    expect(await count('pushed_authorization_requests')).toBeGreaterThan(0);
    expect(await count('seen_jtis')).toBeGreaterThan(0);
    const purged = await purgeExpired(db, server.clock.now() + 10 * 60_000, 1000, server.purgers);
    expect(purged.pushed_authorization_requests).toBeGreaterThan(0);
    expect(purged.seen_jtis).toBeGreaterThan(0);
    expect(await count('pushed_authorization_requests')).toBe(0);
    expect(await count('seen_jtis')).toBe(0);
  });
});

describe('REQUIRE_PUSHED_AUTHORIZATION_REQUESTS', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: 'true' } });
  });
  afterAll(() => server.close());

  it('advertises the requirement and refuses every plain request, whatever the client registered', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata.require_pushed_authorization_requests).toBe(true);
    const { client } = await server.oauth.clientService.create({
      name: 'Plain',
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      allowedScopes: ['read:bookings'],
    });
    const { challenge } = pkcePair();
    const params = {
      client_id: client.id,
      response_type: 'code',
      scope: 'read:bookings',
      state: 's',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    const plain = await fetch(`${server.url}/oauth/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const pushed = await postForm(server, '/oauth/par', params);
    expect(pushed.status).toBe(201);
    const viaPar = await fetch(
      `${server.url}/oauth/authorize?${new URLSearchParams({ client_id: client.id, request_uri: pushed.json.request_uri as string })}`,
      { redirect: 'manual' },
    );
    expect(viaPar.status).toBe(303);
    expect(new URL(viaPar.headers.get('location')!, server.url).pathname).toBe('/signin');
  });
});
