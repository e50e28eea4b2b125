import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, createTestClient, postForm, type TestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { authorizeCode, jwtClaims, newTestKey, proofFor, type ProofOptions, type TestKey } from './support.ts';

const now = () => Math.floor(Date.now() / 1000);

/**
 * The token endpoint's side of RFC 9449: each check of a DPoP proof refused with its own error,
 * server nonces, public clients' refresh tokens bound to their key, and clients registered with
 * `dpop_bound_access_tokens`.
 */
describe.each(testDialects())('DPoP at the token endpoint (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let confidential: TestClient;
  let publicClient: TestClient;
  let key: TestKey;
  let nonce: string;
  const tokenUrl = () => `${server.url}/oauth/token`;

  /** client_credentials for the confidential client, with `dpop` as the proof header (when given). */
  const clientCredentials = (dpop?: string) =>
    postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:providers' },
      { authorization: basicAuth(confidential.id, confidential.secret!), ...(dpop ? { dpop } : {}) },
    );
  const proof = (overrides: Partial<ProofOptions> = {}, withKey = key) =>
    proofFor(withKey, { htm: 'POST', htu: tokenUrl(), nonce, ...overrides });

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    confidential = await createTestClient(server, {
      allowedScopes: ['read:providers'],
      grantTypes: ['client_credentials'],
    });
    publicClient = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'offline_access'],
    });
    key = await newTestKey();
    const refused = await clientCredentials(await proofFor(key, { htm: 'POST', htu: tokenUrl() }));
    nonce = refused.headers.get('dpop-nonce')!;
  });
  afterAll(() => close());

  it('asks for a nonce with 400 use_dpop_nonce and a DPoP-Nonce header; with it, the token is DPoP-bound', async () => {
    const refused = await clientCredentials(await proof({ nonce: undefined }));
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error: 'use_dpop_nonce',
      error_description: 'this server requires a nonce in DPoP proofs: use the DPoP-Nonce it sent',
    });
    expect(refused.headers.get('dpop-nonce')).toBe(nonce);
    expect(refused.headers.get('cache-control')).toBe('no-store');

    const issued = await clientCredentials(await proof());
    expect(issued.status).toBe(200);
    expect(issued.json.token_type).toBe('DPoP');
    expect(jwtClaims(issued.json.access_token as string).cnf).toEqual({ jkt: key.jkt });
    expect(issued.headers.get('dpop-nonce')).toBe(nonce);
  });

  it('refuses a nonce from two periods ago', async () => {
    server.clock.advance(2 * server.config.DPOP_NONCE_ROTATION_SECONDS * 1000);
    try {
      const iat = Math.floor(server.clock.now() / 1000);
      const refused = await clientCredentials(await proof({ iat }));
      expect(refused.status).toBe(400);
      expect(refused.json).toEqual({
        error: 'use_dpop_nonce',
        error_description: 'the DPoP proof carries an expired nonce: use the DPoP-Nonce it sent',
      });
      const fresh = refused.headers.get('dpop-nonce')!;
      expect(fresh).not.toBe(nonce);
      expect((await clientCredentials(await proof({ iat, nonce: fresh }))).status).toBe(200);
    } finally {
      server.clock.advance(-2 * server.config.DPOP_NONCE_ROTATION_SECONDS * 1000);
    }
  });

  const refusals: Array<[string, () => Promise<string>, string]> = [
    [
      'a wrong htu',
      () => proof({ htu: `${server.url}/oauth/token2` }),
      "the DPoP proof's htu must be <token endpoint>",
    ],
    [
      'an htu on another origin',
      () => proof({ htu: 'http://evil.example/oauth/token' }),
      "the DPoP proof's htu must be <token endpoint>",
    ],
    ['a wrong htm', () => proof({ htm: 'GET' }), "the DPoP proof's htm must be POST"],
    [
      'a stale iat',
      () => proof({ iat: now() - 120 }),
      "the DPoP proof's iat is more than 60 seconds away from the server's clock",
    ],
    [
      'an iat in the future',
      () => proof({ iat: now() + 120 }),
      "the DPoP proof's iat is more than 60 seconds away from the server's clock",
    ],
    [
      'private key material in its jwk',
      async () => proof({ jwk: { ...key.jwk, d: 'AAAA' } }),
      "the DPoP proof's jwk must be a public key: it holds private key material",
    ],
    ['another typ', () => proof({ typ: 'JWT' }), 'the DPoP proof must have typ dpop+jwt'],
    [
      'a jwk that did not sign it',
      async () => proof({ jwk: (await newTestKey()).jwk }),
      'the DPoP proof is malformed or its signature does not verify with its jwk',
    ],
    [
      'a symmetric algorithm',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.jwk })).toString(
          'base64url',
        );
        const body = Buffer.from(JSON.stringify({ htm: 'POST', htu: tokenUrl(), iat: now(), jti: 'x' })).toString(
          'base64url',
        );
        return `${header}.${body}.c2lnbmF0dXJl`;
      },
      'the DPoP proof must be signed with one of ES256, PS256, EdDSA, Ed25519, RS256',
    ],
    ['no JWT at all', async () => 'not-a-jwt', 'the DPoP proof is not a JWT'],
    ['two proofs', async () => `${await proof()}, ${await proof()}`, 'the request must carry exactly one DPoP header'],
  ];
  it.each(refusals)('refuses a proof with %s: 400 invalid_dpop_proof', async (_name, make, description) => {
    const refused = await clientCredentials(await make());
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({
      error: 'invalid_dpop_proof',
      error_description: description.replace('<token endpoint>', tokenUrl()),
    });
  });

  it('takes an iat with a fraction of a millisecond (any JSON number), and refuses its replay', async () => {
    const once = await proof({ iat: Math.floor(server.clock.now() / 1000) + 0.0005 });
    expect((await clientCredentials(once)).status).toBe(200);
    const replayed = await clientCredentials(once);
    expect(replayed.status).toBe(400);
    expect(replayed.json.error_description).toBe('the DPoP proof was already used (its jti was seen before)');
  });

  it('refuses a replayed proof (same jti)', async () => {
    const once = await proof();
    expect((await clientCredentials(once)).status).toBe(200);
    const replayed = await clientCredentials(once);
    expect(replayed.status).toBe(400);
    expect(replayed.json).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'the DPoP proof was already used (its jti was seen before)',
    });
    // The same jti from another key is another proof.
    const other = await newTestKey();
    const jti = jwtClaims(once).jti as string;
    expect((await clientCredentials(await proof({ jti }, other))).status).toBe(200);
  });

  it("binds a public client's refresh token to its key: another key, or none, cannot refresh it", async () => {
    const { callback, verifier } = await authorizeCode(
      server,
      smtp,
      publicClient,
      { scope: 'openid offline_access' },
      `bound-${dialect}@example.com`,
    );
    const redeemed = await postForm(
      server,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: publicClient.redirectUri,
        code_verifier: verifier,
        client_id: publicClient.id,
      },
      { dpop: await proof() },
    );
    expect(redeemed.status).toBe(200);
    expect(redeemed.json.token_type).toBe('DPoP');
    const refresh = (dpop?: string, token = redeemed.json.refresh_token as string) =>
      postForm(
        server,
        '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: token, client_id: publicClient.id },
        dpop ? { dpop } : {},
      );

    const otherKey = await refresh(await proof({}, await newTestKey()));
    expect(otherKey.status).toBe(400);
    expect(otherKey.json).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token is bound to another DPoP key',
    });
    const noProof = await refresh();
    expect(noProof.status).toBe(400);
    expect(noProof.json).toEqual({
      error: 'invalid_grant',
      error_description: 'the refresh token is bound to a DPoP key: send a DPoP proof made with it',
    });

    // Neither attempt rotated the token nor revoked its family: the holder of the key refreshes.
    const rotated = await refresh(await proof());
    expect(rotated.status).toBe(200);
    expect(rotated.json.token_type).toBe('DPoP');
    expect(jwtClaims(rotated.json.access_token as string).cnf).toEqual({ jkt: key.jkt });
    // The successor stays bound to the same key.
    const successor = rotated.json.refresh_token as string;
    expect((await refresh(await proof({}, await newTestKey()), successor)).status).toBe(400);
    expect((await refresh(await proof(), successor)).status).toBe(200);
  });

  it('holds a client registered with dpop_bound_access_tokens (RFC 9449 §5.2) to DPoP', async () => {
    const registered = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Always DPoP',
        grant_types: ['client_credentials'],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
        scope: 'read:providers',
        dpop_bound_access_tokens: true,
      }),
    });
    expect(registered.status).toBe(201);
    const metadata = (await registered.json()) as Record<string, string | boolean>;
    expect(metadata.dpop_bound_access_tokens).toBe(true);
    const form = {
      grant_type: 'client_credentials',
      scope: 'read:providers',
      client_id: metadata.client_id as string,
      client_secret: metadata.client_secret as string,
    };

    const withoutProof = await postForm(server, '/oauth/token', form);
    expect(withoutProof.status).toBe(400);
    expect(withoutProof.json).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'this client registered dpop_bound_access_tokens: its token requests need a DPoP proof',
    });
    const withProof = await postForm(server, '/oauth/token', form, { dpop: await proof() });
    expect(withProof.status).toBe(200);
    expect(withProof.json.token_type).toBe('DPoP');

    const invalid = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://a.example/cb'], dpop_bound_access_tokens: 'yes' }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: 'invalid_client_metadata' });
  });
});
