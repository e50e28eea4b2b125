import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { decodeJwt } from 'jose';
import { basicAuth, postForm } from '../helpers/clients.ts';
import {
  clientKeyPair,
  signAssertion,
  startJwksServer,
  unsignedJwt,
  type ClientKeyPair,
  type JwksServer,
} from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const insecure = { [oauth.allowInsecureRequests]: true };
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Client authentication by key (RFC 7523 and its bis draft's audience rule), driven over real HTTP. */
describe.each(testDialects())('private_key_jwt and client_secret_jwt (%s)', (dialect) => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let key: ClientKeyPair;
  let clientId: string;
  let jwksServer: JwksServer;

  const keyClient = async (keys: { jwks?: unknown; jwksUri?: string }, extra: Record<string, unknown> = {}) =>
    (
      await server.oauth.clientService.create({
        name: 'Keyed App',
        type: 'confidential',
        redirectUris: ['https://rp.example/cb'],
        allowedScopes: ['read:bookings'],
        grantTypes: ['client_credentials'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        ...keys,
        ...extra,
      })
    ).client.id;

  /** POSTs client_credentials with a given assertion (and extra fields), as any client could. */
  const withAssertion = (assertion: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postForm(
      server,
      '/oauth/token',
      {
        grant_type: 'client_credentials',
        scope: 'read:bookings',
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: assertion,
        ...extra,
      },
      headers,
    );

  beforeAll(async () => {
    server = await startTestServer({
      dialect,
      env: { CLIENT_JWKS_ALLOW_LOOPBACK: 'true', CLIENT_JWKS_REFETCH_SECONDS: '10', CLIENT_JWKS_CACHE_SECONDS: '300' },
    });
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    key = await clientKeyPair('ES256');
    clientId = await keyClient({ jwks: { keys: [key.publicJwk] } });
    jwksServer = await startJwksServer([]);
  });
  afterAll(async () => {
    await jwksServer.close();
    await server.close();
  });

  it('oauth4webapi PrivateKeyJwt: client credentials, introspection and revocation', async () => {
    const client: oauth.Client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(as, client, auth, { scope: 'read:bookings' }, insecure),
    );
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      sub: clientId,
      client_id: clientId,
      scope: 'read:bookings',
    });
    const introspected = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(introspected.active).toBe(true);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, auth, tokens.access_token, insecure),
    );
    const after = await oauth.processIntrospectionResponse(
      as,
      client,
      await oauth.introspectionRequest(as, client, auth, tokens.access_token, insecure),
    );
    expect(after.active).toBe(false);
  });

  it('openid-client PrivateKeyJwt with RSA (RS256, PS256) and Ed25519 keys', async () => {
    for (const alg of ['RS256', 'PS256', 'Ed25519'] as const) {
      const pair = await clientKeyPair(alg);
      const id = await keyClient({ jwks: { keys: [pair.publicJwk] } });
      const config = await openid.discovery(
        new URL(server.url),
        id,
        undefined,
        openid.PrivateKeyJwt({ key: pair.privateKey, kid: pair.kid }),
        { execute: [openid.allowInsecureRequests] },
      );
      const tokens = await openid.clientCredentialsGrant(config, { scope: 'read:bookings' }).catch((e: unknown) => {
        throw new Error(`${alg}: ${JSON.stringify((e as { cause?: unknown }).cause)}`);
      });
      expect(decodeJwt(tokens.access_token).client_id, alg).toBe(id);
    }
  });

  it('refuses a replayed jti, on any node: the second use of an assertion is invalid_client', async () => {
    const assertion = await signAssertion(key, clientId, server.url);
    expect((await withAssertion(assertion)).status).toBe(200);
    const replay = await withAssertion(assertion);
    expect(replay.status).toBe(401);
    expect(replay.json).toMatchObject({ error: 'invalid_client' });
    expect(replay.json.error_description).toMatch(/already used/);
  });

  it('takes an exp with a fraction of a millisecond (any JSON number), and refuses its replay', async () => {
    const assertion = await signAssertion(key, clientId, server.url, {
      claims: { exp: Math.floor(Date.now() / 1000) + 60.0005 },
    });
    expect((await withAssertion(assertion)).status).toBe(200);
    const replay = await withAssertion(assertion);
    expect(replay.status).toBe(401);
    expect(replay.json.error_description).toMatch(/already used/);
  });

  it('gives one token for an assertion sent many times at once: the rest are replays', async () => {
    const assertion = await signAssertion(key, clientId, server.url);
    const answers = await Promise.all(Array.from({ length: 8 }, () => withAssertion(assertion)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    for (const refused of answers.filter((a) => a.status === 401)) {
      expect(refused.json).toMatchObject({ error: 'invalid_client' });
      expect(refused.json.error_description).toMatch(/already used/);
    }
  });

  it('answers invalid_client for a bad signature before anything the grant decided, and no token leaves', async () => {
    const other = await clientKeyPair('ES256');
    const forged = await signAssertion({ ...other, kid: key.kid }, clientId, server.url);
    // client_credentials is prepared while the signature is checked: its answer must not win.
    const granted = await withAssertion(forged);
    expect(granted.status).toBe(401);
    expect(granted.json).toEqual({ error: 'invalid_client', error_description: expect.stringMatching(/signature/) });
    const refusedScope = await withAssertion(forged, { scope: 'no-such-scope' });
    expect(refusedScope.status).toBe(401);
    expect(refusedScope.json.error).toBe('invalid_client');
    // The forged assertion's jti was not recorded: the client's own use of it still counts once.
    const genuine = await signAssertion(key, clientId, server.url, { claims: { jti: decodeJwt(forged).jti } });
    expect((await withAssertion(genuine)).status).toBe(200);
  });

  it('takes only the issuer identifier, as a string, for aud (draft-ietf-oauth-rfc7523bis)', async () => {
    for (const audience of [
      `${server.url}/oauth/token`,
      [server.url],
      [server.url, `${server.url}/oauth/token`],
      'https://other-server.example',
    ]) {
      const res = await withAssertion(await signAssertion(key, clientId, audience));
      expect(res.status, JSON.stringify(audience)).toBe(401);
      expect(res.json.error).toBe('invalid_client');
      expect(res.json.error_description).toMatch(/aud must be the issuer identifier/);
    }
  });

  it('needs exp (bounded to five minutes), jti, and iss = sub = client_id', async () => {
    const now = Math.floor(server.clock.now() / 1000);
    const cases: Array<[string, Parameters<typeof signAssertion>[3], RegExp]> = [
      ['expired', { claims: { iat: now - 120, exp: now - 60 } }, /has expired/],
      ['far future', { claims: { exp: now + 3600 } }, /at most 300 s/],
      ['no exp', { omit: ['exp'] }, /exp claim/],
      ['no jti', { omit: ['jti'] }, /jti claim/],
      ['old iat', { claims: { iat: now - 3600 } }, /issued too long ago/],
      ['not yet valid', { claims: { nbf: now + 600 } }, /nbf claim/],
      ['sub differs', { claims: { sub: 'someone-else' } }, /iss and sub/],
    ];
    for (const [name, overrides, message] of cases) {
      const res = await withAssertion(await signAssertion(key, clientId, server.url, overrides));
      expect(res.status, name).toBe(401);
      expect(res.json.error, name).toBe('invalid_client');
      expect(res.json.error_description, name).toMatch(message);
    }
  });

  it('refuses a wrong key, alg none, HS256 (signed with the public key) and a foreign typ', async () => {
    const stranger = await clientKeyPair('ES256');
    const wrongKey = await withAssertion(await signAssertion({ ...stranger, kid: key.kid }, clientId, server.url));
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.json.error_description).toMatch(/signature is invalid/);

    const now = Math.floor(Date.now() / 1000);
    const none = await withAssertion(
      unsignedJwt({ iss: clientId, sub: clientId, aud: server.url, jti: 'n1', exp: now + 60 }),
    );
    expect(none.status).toBe(401);
    expect(none.json.error_description).toMatch(/must be signed with ES256 or PS256 or EdDSA or Ed25519 or RS256/);

    // The classic confusion: an HMAC keyed with the client's *public* key.
    const hmacKey = new TextEncoder().encode(JSON.stringify(key.publicJwk));
    const hs256 = await withAssertion(await signAssertion({ privateKey: hmacKey, alg: 'HS256' }, clientId, server.url));
    expect(hs256.status).toBe(401);
    expect(hs256.json.error_description).toMatch(/must be signed with ES256/);

    const typed = await withAssertion(await signAssertion(key, clientId, server.url, { header: { typ: 'at+jwt' } }));
    expect(typed.status).toBe(401);
    expect(typed.json.error_description).toMatch(/cannot have typ at\+jwt/);
    const explicit = await withAssertion(
      await signAssertion(key, clientId, server.url, { header: { typ: 'client-authentication+jwt' } }),
    );
    expect(explicit.status).toBe(200);
  });

  it('says what is wrong with an assertion that is no JWT it takes', async () => {
    const signed = await signAssertion(key, clientId, server.url);
    const [, payload] = signed.split('.');
    const header = (h: object) => Buffer.from(JSON.stringify(h)).toString('base64url');
    for (const [assertion, reason] of [
      ['not-a-jwt', 'a JWT has three dot-separated parts'],
      [`${signed}.extra`, 'a JWT has three dot-separated parts'],
      [`${header({ alg: 'ES256' })}.${payload}.s*g`, 'a JWT part is not base64url'],
      [`${header({ alg: 'ES256' })}.bm90IGpzb24.sig`, 'a JWT part is not JSON'],
      [`${header({ typ: 'JWT' })}.${payload}.sig`, 'the JWT header has no alg'],
      [`${header({ alg: 'ES256', crit: ['exp'] })}.${payload}.sig`, 'the JWT header uses an unsupported extension'],
    ]) {
      const refused = await withAssertion(assertion!);
      expect(refused.status, assertion).toBe(401);
      expect(refused.json).toEqual({
        error: 'invalid_client',
        error_description: `client_assertion is not a JWT this server takes: ${reason}`,
      });
    }
  });

  it('holds a client to its registered method and alg, one method per request', async () => {
    const assertion = () => signAssertion(key, clientId, server.url);
    const wrongType = await withAssertion(await assertion(), { client_assertion_type: 'urn:example:saml' });
    expect(wrongType.json).toMatchObject({ error: 'invalid_client' });
    const mismatch = await withAssertion(await assertion(), { client_id: 'cl_someone_else' });
    expect(mismatch.json.error_description).toMatch(/client_id does not match/);
    const twoMethods = await withAssertion(await assertion(), {}, { authorization: basicAuth(clientId, 'cs_x') });
    expect(twoMethods.status).toBe(400);
    expect(twoMethods.json.error).toBe('invalid_request');
    const secret = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: 'cs_guess',
    });
    expect(secret.status).toBe(401);
    expect(secret.json.error_description).toMatch(/authenticates with private_key_jwt/);

    const es256Only = await clientKeyPair('PS256');
    const pinned = await keyClient({ jwks: { keys: [es256Only.publicJwk] } }, { tokenEndpointAuthSigningAlg: 'ES256' });
    const refused = await withAssertion(await signAssertion(es256Only, pinned, server.url));
    expect(refused.json.error_description).toMatch(/must be signed with ES256 for private_key_jwt/);
  });

  it('client_secret_jwt: HS256 with the secret (registered through DCR); nothing else for that client', async () => {
    const registration = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'HMAC App',
        redirect_uris: ['https://hmac.example/cb'],
        grant_types: ['client_credentials'],
        response_types: [],
        scope: 'read:bookings',
        token_endpoint_auth_method: 'client_secret_jwt',
      }),
    });
    const registered = (await registration.json()) as { client_id: string; client_secret: string };
    expect(registration.status).toBe(201);
    expect(registered.client_secret).toMatch(/^cs_/);
    const client: oauth.Client = { client_id: registered.client_id };
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretJwt(registered.client_secret),
        { scope: 'read:bookings' },
        insecure,
      ),
    );
    expect(decodeJwt(tokens.access_token).client_id).toBe(registered.client_id);
    const wrongSecret = await withAssertion(
      await signAssertion(
        { privateKey: new TextEncoder().encode('cs_not-the-secret-but-long-enough-0123456789'), alg: 'HS256' },
        registered.client_id,
        server.url,
      ),
    );
    expect(wrongSecret.json.error_description).toMatch(/signature is invalid/);
    const basic = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(registered.client_id, registered.client_secret) },
    );
    expect(basic.status).toBe(401);
    expect(basic.json.error_description).toMatch(/authenticates with client_secret_jwt/);
    const es256 = await withAssertion(await signAssertion(key, registered.client_id, server.url));
    expect(es256.json.error_description).toMatch(/must be signed with HS256 for client_secret_jwt/);
  });

  it('jwks_uri: fetched through the egress guard, cached, refetched on a new kid at most once per interval', async () => {
    const first = await clientKeyPair('ES256');
    jwksServer.setKeys([first.publicJwk]);
    const id = await keyClient({ jwksUri: jwksServer.url });
    const before = jwksServer.fetches;
    for (let i = 0; i < 3; i++)
      expect((await withAssertion(await signAssertion(first, id, server.url))).status).toBe(200);
    expect(jwksServer.fetches - before).toBe(1); // cached

    // The client rotates: its new key is published, its old one is gone.
    const second = await clientKeyPair('ES256');
    jwksServer.setKeys([second.publicJwk]);
    // Within the refetch interval an unknown kid does not send the server to the client's host again.
    const tooSoon = await withAssertion(await signAssertion(second, id, server.url));
    expect(tooSoon.status).toBe(401);
    expect(tooSoon.json.error_description).toMatch(/no registered key/);
    expect(jwksServer.fetches - before).toBe(1);
    server.clock.advance(11_000);
    expect((await withAssertion(await signAssertion(second, id, server.url))).status).toBe(200);
    expect(jwksServer.fetches - before).toBe(2);
    // A stranger's kid after the interval costs one fetch, then is refused.
    server.clock.advance(11_000);
    const stranger = await clientKeyPair('ES256');
    expect((await withAssertion(await signAssertion(stranger, id, server.url))).status).toBe(401);
    expect((await withAssertion(await signAssertion(stranger, id, server.url))).status).toBe(401);
    expect(jwksServer.fetches - before).toBe(3);
  });

  it('a jwks_uri that fails: invalid_client, never a 500', async () => {
    const broken = await startJwksServer([]);
    const pair = await clientKeyPair('ES256');
    const id = await keyClient({ jwksUri: broken.url });
    broken.fail();
    const res = await withAssertion(await signAssertion(pair, id, server.url));
    expect(res.status).toBe(401);
    expect(res.json.error_description).toMatch(
      /keys are unavailable: its jwks_uri failed: the document answered HTTP 500/,
    );
    await broken.close();
  });
});
