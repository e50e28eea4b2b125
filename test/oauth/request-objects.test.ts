import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import * as openid from 'openid-client';
import { SignJWT, type JWTPayload } from 'jose';
import { randomBytes } from 'node:crypto';
import { PageAgent } from '../helpers/browser.ts';
import { postForm } from '../helpers/clients.ts';
import {
  clientKeyPair,
  signAssertion,
  startJwksServer,
  unsignedJwt,
  type ClientKeyPair,
  type JwksServer,
} from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { approveInBrowser, pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const insecure = { [oauth.allowInsecureRequests]: true };
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Signed request objects (RFC 9101) at /oauth/authorize and through /oauth/par. */
describe.each(testDialects())('request objects (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let key: ClientKeyPair;
  let clientId: string;
  /** A client publishing its keys at a jwks_uri and pinned to PS256 request objects. */
  let pinnedKey: ClientKeyPair;
  let pinnedId: string;
  let jwks: JwksServer;
  const redirectUri = 'https://rp.example/cb';

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect, env: { CLIENT_JWKS_ALLOW_LOOPBACK: 'true' } }));
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
    key = await clientKeyPair('ES256');
    clientId = (
      await server.oauth.clientService.create({
        name: 'Signed Requests',
        type: 'confidential',
        redirectUris: [redirectUri, 'https://rp.example/other'],
        allowedScopes: ['openid', 'read:bookings', 'read:assets'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [key.publicJwk] },
      })
    ).client.id;
    pinnedKey = await clientKeyPair('PS256');
    jwks = await startJwksServer([pinnedKey.publicJwk]);
    pinnedId = (
      await server.oauth.clientService.create({
        name: 'Pinned',
        type: 'confidential',
        redirectUris: [redirectUri],
        allowedScopes: ['read:bookings'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwksUri: jwks.url,
        requestObjectSigningAlg: 'PS256',
      })
    ).client.id;
  });
  afterAll(async () => {
    await close();
    await jwks.close();
  });

  /** A request object for `clientId` whose claims each negative case bends. */
  const requestObject = async (claims: JWTPayload = {}, signer: ClientKeyPair = key, header = {}) => {
    const now = Math.floor(server.clock.now() / 1000);
    return new SignJWT({
      iss: clientId,
      aud: server.url,
      iat: now,
      exp: now + 300,
      jti: randomBytes(8).toString('hex'),
      client_id: clientId,
      response_type: 'code',
      redirect_uri: redirectUri,
      scope: 'read:bookings',
      state: 'jar-state',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...claims,
    })
      .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'oauth-authz-req+jwt', ...header })
      .sign(signer.privateKey);
  };
  const authorizeWith = (jwt: string, extra: Record<string, string> = {}, id = clientId) =>
    new PageAgent(server.url).get(`/oauth/authorize?${new URLSearchParams({ client_id: id, request: jwt, ...extra })}`);
  const pushWith = async (jwt: string, id = clientId, signer = key) =>
    postForm(server, '/oauth/par', {
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await signAssertion(signer, id, server.url),
      request: jwt,
    });

  it('is advertised: signed request objects by value, no request_uri fetching', () => {
    expect(as.request_parameter_supported).toBe(true);
    expect(as.request_uri_parameter_supported).toBe(false);
    expect(as.request_object_signing_alg_values_supported).not.toContain('none');
  });

  it('oauth4webapi issueRequestObject at /oauth/authorize: only the object’s parameters count', async () => {
    const client: oauth.Client = { client_id: clientId };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const jwt = await oauth.issueRequestObject(
      as,
      client,
      {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'openid read:bookings',
        state,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: key.privateKey, kid: key.kid },
    );
    const url = new URL(as.authorization_endpoint!);
    // Parameters outside the object are ignored (RFC 9101 §5): another registered redirect, other scopes.
    url.search = new URLSearchParams({
      client_id: clientId,
      request: jwt,
      redirect_uri: 'https://rp.example/other',
      scope: 'read:assets',
    }).toString();
    const callback = await approveInBrowser(server, new PageAgent(server.url), smtp, url.toString(), 'jar@example.com');
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    const params = oauth.validateAuthResponse(as, client, callback, state);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
        params,
        redirectUri,
        verifier,
        insecure,
      ),
    );
    expect(tokens.scope).toBe('openid read:bookings');
  });

  it('oauth4webapi: a request object pushed through /oauth/par', async () => {
    const client: oauth.Client = { client_id: clientId };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const verifier = oauth.generateRandomCodeVerifier();
    const jwt = await oauth.issueRequestObject(
      as,
      client,
      {
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: 'read:bookings',
        state: 'pushed-jar',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      },
      { key: key.privateKey, kid: key.kid },
    );
    const pushed = await oauth.processPushedAuthorizationResponse(
      as,
      client,
      await oauth.pushedAuthorizationRequest(as, client, auth, { request: jwt }, insecure),
    );
    const url = `/oauth/authorize?${new URLSearchParams({ client_id: clientId, request_uri: pushed.request_uri })}`;
    const callback = await approveInBrowser(server, new PageAgent(server.url), smtp, url, 'jar@example.com');
    const params = oauth.validateAuthResponse(as, client, callback, 'pushed-jar');
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      auth,
      params,
      redirectUri,
      verifier,
      insecure,
    );
    expect((await oauth.processAuthorizationCodeResponse(as, client, response)).access_token).toBeTruthy();
  });

  it('openid-client: buildAuthorizationUrlWithJAR directly and through PAR', async () => {
    const config = await openid.discovery(
      new URL(server.url),
      clientId,
      undefined,
      openid.PrivateKeyJwt({ key: key.privateKey, kid: key.kid }),
      { execute: [openid.allowInsecureRequests] },
    );
    const verifier = openid.randomPKCECodeVerifier();
    const parameters = {
      redirect_uri: redirectUri,
      scope: 'read:bookings',
      state: 'oc-jar',
      code_challenge: await openid.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    const signingKey = { key: key.privateKey, kid: key.kid };
    const direct = await openid.buildAuthorizationUrlWithJAR(config, parameters, signingKey);
    expect([...direct.searchParams.keys()].sort()).toEqual(['client_id', 'request']);
    const callback = await approveInBrowser(
      server,
      new PageAgent(server.url),
      smtp,
      direct.toString(),
      'oc@example.com',
    );
    const tokens = await openid.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: 'oc-jar',
    });
    expect(tokens.access_token).toBeTruthy();

    const signed = await openid.buildAuthorizationUrlWithJAR(config, parameters, signingKey);
    const viaPar = await openid.buildAuthorizationUrlWithPAR(config, signed.searchParams);
    expect(viaPar.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect((await new PageAgent(server.url).get(viaPar.toString())).status).toBe(303);
  });

  it('refuses bad request objects at /authorize with a page, never a redirect', async () => {
    const now = Math.floor(server.clock.now() / 1000);
    const stranger = await clientKeyPair('ES256');
    const cases: Array<[string, Promise<string> | string, string]> = [
      ['wrong iss', requestObject({ iss: 'cl_someone' }), 'iss claim'],
      ['wrong aud', requestObject({ aud: `${server.url}/oauth/authorize` }), 'aud claim'],
      ['expired', requestObject({ iat: now - 600, exp: now - 300 }), 'has expired'],
      ['no exp', requestObject({ exp: undefined }), 'exp claim'],
      ['lives too long', requestObject({ exp: now + 7200 }), 'at most 3600 s'],
      ['other client_id', requestObject({ client_id: pinnedId }), 'does not match'],
      ['nested request_uri', requestObject({ request_uri: 'urn:x' }), 'cannot carry request or request_uri'],
      ['unknown key', requestObject({}, { ...stranger, kid: 'nobody' }), 'no registered key'],
      ['wrong key, right kid', requestObject({}, { ...stranger, kid: key.kid }), 'signature is invalid'],
      ['foreign typ', requestObject({}, key, { typ: 'at+jwt' }), 'cannot have typ'],
      ['unsigned', unsignedJwt({ iss: clientId, aud: server.url, exp: now + 60, client_id: clientId }), 'alg none'],
      ['not a JWT', 'hello', 'not a JWT'],
    ];
    for (const [name, jwt, message] of cases) {
      const res = await authorizeWith(await jwt);
      expect(res.status, name).toBe(400);
      expect(res.headers.get('location'), name).toBeNull();
      expect(await res.text(), name).toContain(message);
    }
    const mismatched = await authorizeWith(await requestObject(), {}, pinnedId);
    expect(mismatched.status).toBe(400);
  });

  it('refuses the same at /oauth/par with invalid_request_object, and a replayed jti', async () => {
    const unsigned = await pushWith(
      unsignedJwt({ iss: clientId, aud: server.url, exp: Math.floor(Date.now() / 1000) + 60 }),
    );
    expect(unsigned.status).toBe(400);
    expect(unsigned.json.error).toBe('invalid_request_object');
    const wrongAud = await pushWith(await requestObject({ aud: 'https://other.example' }));
    expect(wrongAud.json).toMatchObject({ error: 'invalid_request_object' });
    const once = await requestObject({ jti: 'only-once' });
    expect((await pushWith(once)).status).toBe(201);
    const replay = await pushWith(once);
    expect(replay.status).toBe(400);
    expect(replay.json).toMatchObject({ error: 'invalid_request_object' });
    expect(replay.json.error_description).toMatch(/already used/);
  });

  it('holds a client to its request_object_signing_alg, with keys from its jwks_uri', async () => {
    const es256 = await clientKeyPair('ES256');
    jwks.setKeys([pinnedKey.publicJwk, es256.publicJwk]);
    const byPinned = async (signer: ClientKeyPair) => {
      const now = Math.floor(server.clock.now() / 1000);
      return new SignJWT({
        iss: pinnedId,
        aud: server.url,
        exp: now + 60,
        response_type: 'code',
        scope: 'read:bookings',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      })
        .setProtectedHeader({ alg: signer.alg, kid: signer.kid })
        .sign(signer.privateKey);
    };
    const refused = await authorizeWith(await byPinned(es256), {}, pinnedId);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('must be signed with PS256');
    const accepted = await authorizeWith(await byPinned(pinnedKey), {}, pinnedId);
    expect(accepted.status).toBe(303);
  });
});
