import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, createTestClient, postForm, type TestClient } from '../../helpers/clients.ts';
import { testDialects } from '../../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { authorizeCode, jwtClaims, newTestKey, proofFor, type ProofOptions, type TestKey } from './support.ts';

const now = () => Math.floor(Date.now() / 1000);
const ALGS = 'algs="ES256 PS256 EdDSA Ed25519 RS256"';

/** A DPoP-bound client_credentials token for `key` (the nonce round trip done by hand). */
async function boundToken(server: TestServer, client: TestClient, key: TestKey, scope: string): Promise<string> {
  const request = async (nonce?: string) =>
    postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope },
      {
        authorization: basicAuth(client.id, client.secret!),
        dpop: await proofFor(key, { htm: 'POST', htu: `${server.url}/oauth/token`, ...(nonce ? { nonce } : {}) }),
      },
    );
  const issued = await request((await request()).headers.get('dpop-nonce')!);
  if (issued.status !== 200) throw new Error(`no token: ${JSON.stringify(issued.json)}`);
  return issued.json.access_token as string;
}

/**
 * RFC 9449 §7 at the resource servers: the Platform API, the scheduling API and UserInfo accept
 * `Authorization: DPoP` with a proof of the very request, refuse each broken proof with its own
 * `WWW-Authenticate: DPoP` challenge, and never accept a bound token as a bearer token.
 */
describe.each(testDialects())('DPoP at the resource servers (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let client: TestClient;
  let key: TestKey;
  let token: string;
  const catalogUrl = () => `${server.url}/platform/v2/providers/catalog`;

  /** GET the Platform API's catalogue with `authorization` and, when given, a DPoP proof. */
  const getCatalog = (authorization: string, dpop?: string, url = catalogUrl()) =>
    fetch(url, { headers: { authorization, ...(dpop ? { dpop } : {}) } });
  const proof = (overrides: Partial<ProofOptions> = {}, withKey = key) =>
    proofFor(withKey, { htm: 'GET', htu: catalogUrl(), accessToken: token, ...overrides });
  const expectRefusal = async (response: Response, error: string, description: string) => {
    expect(response.status).toBe(401);
    const challenge = response.headers.get('www-authenticate')!;
    expect(challenge.startsWith(`DPoP error="${error}", error_description="${description}"`)).toBe(true);
    expect(challenge).toContain(ALGS);
    expect(challenge).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource/platform"`);
    expect(await response.json()).toMatchObject({
      data: null,
      errors: [{ cause: 'unauthorized', message: description }],
    });
  };

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    client = await createTestClient(server, {
      allowedScopes: ['read:providers'],
      grantTypes: ['client_credentials'],
    });
    key = await newTestKey();
    token = await boundToken(server, client, key, 'read:providers');
  });
  afterAll(() => close());

  it('accepts the bound token with a proof of the request, and announces both schemes to a caller without a token', async () => {
    const accepted = await getCatalog(`DPoP ${token}`, await proof());
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('dpop-nonce')).toBeNull(); // DPOP_NONCE=token: resources ask for none

    const anonymous = await fetch(catalogUrl());
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${server.url}/.well-known/oauth-protected-resource/platform", DPoP ${ALGS}`,
    );
  });

  it('refuses the DPoP-bound token presented as a bearer token', async () => {
    await expectRefusal(
      await getCatalog(`Bearer ${token}`, await proof()),
      'invalid_token',
      'this access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
    );
  });

  it('refuses a proof signed by another key than the one the token is bound to (cnf.jkt)', async () => {
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, await proof({}, await newTestKey())),
      'invalid_dpop_proof',
      'the DPoP proof is signed by another key than the one the access token is bound to',
    );
  });

  it('refuses a proof whose ath hashes another token', async () => {
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, await proof({ accessToken: `${token}x` })),
      'invalid_dpop_proof',
      "the DPoP proof's ath is not the hash of the access token sent with it",
    );
  });

  it('refuses a replayed proof', async () => {
    const once = await proof();
    expect((await getCatalog(`DPoP ${token}`, once)).status).toBe(200);
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, once),
      'invalid_dpop_proof',
      'the DPoP proof was already used (its jti was seen before)',
    );
  });

  it('refuses a proof of another URL, another method, or a stale one, and a missing proof', async () => {
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, await proof({ htu: `${server.url}/platform/v2/providers` })),
      'invalid_dpop_proof',
      `the DPoP proof's htu must be ${catalogUrl()}`,
    );
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, await proof({ htm: 'POST' })),
      'invalid_dpop_proof',
      "the DPoP proof's htm must be GET",
    );
    await expectRefusal(
      await getCatalog(`DPoP ${token}`, await proof({ iat: now() - 61 })),
      'invalid_dpop_proof',
      "the DPoP proof's iat is more than 60 seconds away from the server's clock",
    );
    await expectRefusal(await getCatalog(`DPoP ${token}`), 'invalid_dpop_proof', 'the DPoP proof is missing');
  });

  it('computes htu from the configured issuer: the query is ignored, Host and X-Forwarded-* are not trusted', async () => {
    // A query string is no part of htu (RFC 9449 §4.3 step 9).
    expect((await getCatalog(`DPoP ${token}`, await proof(), `${catalogUrl()}?page=1`)).status).toBe(200);
    const spoofed = {
      authorization: `DPoP ${token}`,
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'https',
    };
    const fromHeaders = await fetch(catalogUrl(), {
      headers: { ...spoofed, dpop: await proof({ htu: 'https://evil.example/platform/v2/providers/catalog' }) },
    });
    await expectRefusal(fromHeaders, 'invalid_dpop_proof', `the DPoP proof's htu must be ${catalogUrl()}`);
    const fromIssuer = await fetch(catalogUrl(), { headers: { ...spoofed, dpop: await proof() } });
    expect(fromIssuer.status).toBe(200);
  });

  it('refuses an unbound bearer token presented with the DPoP scheme', async () => {
    const bearer = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:providers' },
      { authorization: basicAuth(client.id, client.secret!) },
    );
    expect(bearer.json.token_type).toBe('Bearer');
    const plain = bearer.json.access_token as string;
    expect((await getCatalog(`Bearer ${plain}`)).status).toBe(200);
    await expectRefusal(
      await getCatalog(`DPoP ${plain}`, await proof({ accessToken: plain })),
      'invalid_token',
      'this access token is not DPoP-bound: send it as Bearer',
    );
  });

  it('UserInfo and the scheduling API take DPoP-bound tokens and refuse them as bearer tokens', async () => {
    const person = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'email', 'read:profile'],
    });
    const { callback, verifier } = await authorizeCode(
      server,
      smtp,
      person,
      { scope: 'openid email read:profile', resource: [`${server.url}/api/v2`] },
      `userinfo-${dialect}@example.com`,
    );
    const tokenUrl = `${server.url}/oauth/token`;
    const redeem = async (nonce?: string) =>
      postForm(
        server,
        '/oauth/token',
        {
          grant_type: 'authorization_code',
          code: callback.searchParams.get('code')!,
          redirect_uri: person.redirectUri,
          code_verifier: verifier,
          client_id: person.id,
        },
        { dpop: await proofFor(key, { htm: 'POST', htu: tokenUrl, ...(nonce ? { nonce } : {}) }) },
      );
    // The proof is checked before the code: a nonce refusal leaves the code unused.
    const refused = await redeem();
    expect(refused.json.error).toBe('use_dpop_nonce');
    const redeemed = await redeem(refused.headers.get('dpop-nonce')!);
    expect(redeemed.status).toBe(200);
    const personal = redeemed.json.access_token as string;
    expect(jwtClaims(personal).cnf).toEqual({ jkt: key.jkt });

    const userinfoUrl = `${server.url}/oauth/userinfo`;
    const userinfo = await fetch(userinfoUrl, {
      headers: {
        authorization: `DPoP ${personal}`,
        dpop: await proofFor(key, { htm: 'GET', htu: userinfoUrl, accessToken: personal }),
      },
    });
    expect(userinfo.status).toBe(200);
    expect(await userinfo.json()).toMatchObject({ email: `userinfo-${dialect}@example.com` });
    const asBearer = await fetch(userinfoUrl, { headers: { authorization: `Bearer ${personal}` } });
    expect(asBearer.status).toBe(401);
    expect(asBearer.headers.get('www-authenticate')).toBe(
      `DPoP error="invalid_token", error_description="this access token is DPoP-bound: send it with the DPoP scheme and a DPoP proof", ${ALGS}`,
    );
    const posted = await fetch(userinfoUrl, {
      method: 'POST',
      headers: {
        authorization: `DPoP ${personal}`,
        dpop: await proofFor(key, { htm: 'GET', htu: userinfoUrl, accessToken: personal }),
      },
    });
    expect(posted.status).toBe(401);
    expect(await posted.json()).toEqual({
      error: 'invalid_dpop_proof',
      error_description: "the DPoP proof's htm must be POST",
    });

    const meUrl = `${server.url}/api/v2/me`;
    const me = await fetch(meUrl, {
      headers: {
        authorization: `DPoP ${personal}`,
        dpop: await proofFor(key, { htm: 'GET', htu: meUrl, accessToken: personal }),
      },
    });
    expect(me.status).toBe(200);
    const meAsBearer = await fetch(meUrl, { headers: { authorization: `Bearer ${personal}` } });
    expect(meAsBearer.status).toBe(401);
    expect(meAsBearer.headers.get('www-authenticate')).toMatch(/^DPoP error="invalid_token"/);
  });
});

/** DPOP_NONCE=all: resource servers want a server nonce in proofs too (RFC 9449 §9). */
describe('DPoP nonces at the resource servers (DPOP_NONCE=all)', () => {
  let server: TestServer;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, close } = await startServerWithMail({ env: { DPOP_NONCE: 'all' } }));
  });
  afterAll(() => close());

  it('answers 401 use_dpop_nonce with a DPoP-Nonce, then accepts the proof that carries it', async () => {
    const client = await createTestClient(server, {
      allowedScopes: ['read:providers'],
      grantTypes: ['client_credentials'],
    });
    const key = await newTestKey();
    const token = await boundToken(server, client, key, 'read:providers');
    const url = `${server.url}/platform/v2/providers/catalog`;
    const call = async (nonce?: string) =>
      fetch(url, {
        headers: {
          authorization: `DPoP ${token}`,
          dpop: await proofFor(key, { htm: 'GET', htu: url, accessToken: token, ...(nonce ? { nonce } : {}) }),
        },
      });

    const refused = await call();
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(
      /^DPoP error="use_dpop_nonce", error_description="this server requires a nonce in DPoP proofs: use the DPoP-Nonce it sent"/,
    );
    const nonce = refused.headers.get('dpop-nonce')!;
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const accepted = await call(nonce);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get('dpop-nonce')).toBe(nonce);
  });
});
