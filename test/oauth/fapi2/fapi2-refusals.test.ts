import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { SignJWT, type JWK } from 'jose';
import { PageAgent } from '../../helpers/browser.ts';
import { basicAuth, createTestClient, postForm } from '../../helpers/clients.ts';
import { clientKeyPair, signAssertion } from '../../helpers/client-keys.ts';
import { testDialects } from '../../helpers/database.ts';
import { authorizeThroughPages, pkcePair } from '../../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { discover, insecure, newTestKey, proofFor } from '../dpop/support.ts';
import { authorizeWithPar, redeemCode, register, registerFapiClient, REDIRECT_URI, type FapiRp } from './support.ts';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A FAPI 2.0 client cannot be downgraded by what a request says: no plain authorization
 * request, no PKCE other than S256, no token without a DPoP proof, no secret, no algorithm but
 * ES256 and PS256, no code older than 60 s — and registrations that contradict the profile are
 * refused. Every refusal is the RFC's error, never a 500.
 */
describe.each(testDialects())('what a FAPI 2.0 client cannot do (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let as: oauth.AuthorizationServer;
  let rp: FapiRp;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      // Longer than FAPI 2.0 allows: the profile's 60 s must still hold for its clients.
      env: { AUTHORIZATION_CODE_TTL_SECONDS: '300', REGISTRATION_RATE_LIMIT_PER_MINUTE: '1000' },
    }));
    as = await discover(server);
    rp = await registerFapiClient(server);
  });
  afterAll(() => close());

  const clientId = () => rp.client.client_id;
  const withAssertion = async (
    form: Record<string, string>,
    headers: Record<string, string> = {},
    path = '/oauth/token',
  ) =>
    postForm(
      server,
      path,
      {
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await signAssertion(rp.key, clientId(), server.url),
        ...form,
      },
      headers,
    );
  const codeRequest = (overrides: Record<string, string | undefined> = {}) => {
    const params: Record<string, string | undefined> = {
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      scope: 'openid read:assets',
      state: 'st-fapi',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      ...overrides,
    };
    return Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
  };

  it('answers a plain authorization request, even one with a signed request object, with invalid_request at the redirect URI (state and iss)', async () => {
    const agent = new PageAgent(server.url);
    const plain = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ client_id: clientId(), ...codeRequest() })}`,
    );
    const requestObject = await new SignJWT({ client_id: clientId(), ...codeRequest() })
      .setProtectedHeader({ alg: 'ES256', kid: rp.key.kid, typ: 'oauth-authz-req+jwt' })
      .setIssuer(clientId())
      .setAudience(server.url)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(rp.key.privateKey);
    const byValue = await agent.get(
      `/oauth/authorize?${new URLSearchParams({ client_id: clientId(), request: requestObject })}`,
    );
    for (const response of [plain, byValue]) {
      expect(response.status).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(REDIRECT_URI);
      expect(Object.fromEntries(location.searchParams)).toEqual({
        error: 'invalid_request',
        error_description: 'authorization requests must be pushed to /oauth/par first (RFC 9126)',
        state: 'st-fapi',
        iss: server.url,
      });
    }
  });

  it('refuses at PAR, as JSON, a request without PKCE, with plain PKCE, or without redirect_uri', async () => {
    const cases: Array<[Record<string, string | undefined>, string]> = [
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'PKCE is required'],
      [{ code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }, 'code_challenge_method must be S256'],
      [{ code_challenge_method: undefined }, 'code_challenge_method must be S256'],
      [{ redirect_uri: undefined }, 'redirect_uri is required of a FAPI 2.0 client'],
    ];
    for (const [overrides, description] of cases) {
      const refused = await withAssertion(codeRequest(overrides), {}, '/oauth/par');
      expect(refused.status, JSON.stringify(overrides)).toBe(400);
      expect(refused.json).toEqual({
        error: 'invalid_request',
        error_description: expect.stringContaining(description),
      });
    }
  });

  it('refuses a token request without a DPoP proof (the code survives it), and any client secret', async () => {
    const { params, verifier, nonce } = await authorizeWithPar(
      server,
      smtp,
      as,
      rp,
      'openid read:assets',
      `refusals-${dialect}@example.com`,
    );
    const withoutProof = await oauth
      .authorizationCodeGrantRequest(as, rp.client, rp.auth, params, REDIRECT_URI, verifier, insecure)
      .then((response) => oauth.processAuthorizationCodeResponse(as, rp.client, response))
      .catch((error: unknown) => error);
    expect(withoutProof).toBeInstanceOf(oauth.ResponseBodyError);
    expect(withoutProof).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
    expect((await redeemCode(as, rp, params, verifier, nonce)).token_type).toBe('dpop');

    const noProof = await withAssertion({ grant_type: 'client_credentials', scope: 'read:assets' });
    expect(noProof.status).toBe(400);
    expect(noProof.json.error).toBe('invalid_dpop_proof');
    const basic = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(clientId(), 'cs_guessed') },
    );
    expect(basic.status).toBe(401);
    expect(basic.json.error).toBe('invalid_client');
    expect(basic.headers.get('www-authenticate')).toMatch(/^Basic/);
    const post = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: clientId(),
      client_secret: 'cs_guessed',
    });
    expect(post.status).toBe(401);
    expect(post.json.error).toBe('invalid_client');
  });

  it('refuses client assertions, DPoP proofs and request objects signed with anything but ES256 or PS256', async () => {
    // An RSA key serves PS256 and RS256 alike: only the algorithm differs.
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `rsa-${randomBytes(4).toString('hex')}`;
    const rsa = await registerFapiClient(server, {
      jwks: { keys: [{ ...(publicKey.export({ format: 'jwk' }) as JWK), kid }] },
    });
    const id = rsa.client.client_id;
    // jose signs with a Node KeyObject as with a CryptoKey.
    const assertion = (alg: string) =>
      signAssertion({ privateKey: privateKey as unknown as CryptoKey, alg, kid }, id, server.url);
    const rs256 = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await assertion('RS256'),
    });
    expect(rs256.status).toBe(401);
    expect(rs256.json).toEqual({
      error: 'invalid_client',
      error_description: 'the client assertion must be signed with ES256 or PS256 for private_key_jwt',
    });

    const edKey = await newTestKey('EdDSA');
    const tokenUrl = `${server.url}/oauth/token`;
    const tokenRequest = async (dpop: string) =>
      postForm(
        server,
        '/oauth/token',
        {
          grant_type: 'client_credentials',
          scope: 'read:assets',
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: await assertion('PS256'),
        },
        { dpop },
      );
    const nonce = (await tokenRequest(await proofFor(edKey, { htm: 'POST', htu: tokenUrl }, 'EdDSA'))).headers.get(
      'dpop-nonce',
    )!;
    const eddsa = await tokenRequest(await proofFor(edKey, { htm: 'POST', htu: tokenUrl, nonce }, 'EdDSA'));
    expect(eddsa.status).toBe(400);
    expect(eddsa.json).toEqual({
      error: 'invalid_dpop_proof',
      error_description: 'a FAPI 2.0 client signs its DPoP proofs with ES256 or PS256',
    });
    const esKey = await newTestKey('ES256');
    const es256 = await tokenRequest(await proofFor(esKey, { htm: 'POST', htu: tokenUrl, nonce }));
    expect(es256.status).toBe(200);
    expect(es256.json.token_type).toBe('DPoP');

    const requestObject = (alg: string) =>
      new SignJWT({ client_id: id, ...codeRequest() })
        .setProtectedHeader({ alg, kid })
        .setIssuer(id)
        .setAudience(server.url)
        .setExpirationTime('5m')
        .sign(privateKey);
    const pushObject = async (alg: string) =>
      postForm(server, '/oauth/par', {
        client_assertion_type: ASSERTION_TYPE,
        client_assertion: await assertion('PS256'),
        request: await requestObject(alg),
      });
    const rsObject = await pushObject('RS256');
    expect(rsObject.status).toBe(400);
    expect(rsObject.json).toEqual({
      error: 'invalid_request_object',
      error_description: 'the request object must be signed with ES256 or PS256',
    });
    expect((await pushObject('PS256')).status).toBe(201);
  });

  it('refuses registrations the profile rules out, saying why (invalid_client_metadata)', async () => {
    const ed = await clientKeyPair('Ed25519');
    const rsaJwk = {
      ...(generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as JWK),
    };
    const key = (await clientKeyPair('ES256')).publicJwk;
    const base = {
      redirect_uris: [REDIRECT_URI],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [key] },
      fapi2: true,
    };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ token_endpoint_auth_method: 'client_secret_post', jwks: undefined }, 'authenticates with private_key_jwt'],
      [{ token_endpoint_auth_method: 'client_secret_basic', jwks: undefined }, 'authenticates with private_key_jwt'],
      [{ token_endpoint_auth_method: 'none', jwks: undefined }, 'authenticates with private_key_jwt'],
      [
        { token_endpoint_auth_signing_alg: 'RS256' },
        'token_endpoint_auth_signing_alg of a FAPI 2.0 client must be ES256 or PS256',
      ],
      [
        { request_object_signing_alg: 'RS256' },
        'request_object_signing_alg of a FAPI 2.0 client must be ES256 or PS256',
      ],
      [
        { request_object_signing_alg: 'EdDSA' },
        'request_object_signing_alg of a FAPI 2.0 client must be ES256 or PS256',
      ],
      [{ jwks: { keys: [ed.publicJwk] } }, 'EC P-256 or RSA keys'],
      [{ jwks: { keys: [{ ...rsaJwk, alg: 'RS256' }] } }, 'keys are for ES256 or PS256'],
      [
        { grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], response_types: [] },
        'device flow is not part of the profile',
      ],
      [{ require_pushed_authorization_requests: false }, 'always uses pushed authorization requests'],
      [{ dpop_bound_access_tokens: false }, 'always uses pushed authorization requests and DPoP-bound tokens'],
      [{ fapi2: 'yes' }, 'fapi2 must be a boolean'],
    ];
    for (const [changes, description] of cases) {
      const refused = await register(server, { ...base, ...changes });
      expect(refused.status, JSON.stringify(changes)).toBe(400);
      expect(refused.json.error, JSON.stringify(changes)).toBe('invalid_client_metadata');
      expect(refused.json.error_description, JSON.stringify(changes)).toContain(description);
    }
    const ps256 = await register(server, {
      ...base,
      token_endpoint_auth_signing_alg: 'PS256',
      jwks: { keys: [rsaJwk] },
    });
    expect(ps256.status).toBe(201);
    expect(ps256.json).toMatchObject({ fapi2: true, token_endpoint_auth_signing_alg: 'PS256' });
  });

  it('lets a FAPI 2.0 code live 60 s, though AUTHORIZATION_CODE_TTL_SECONDS gives other clients 300', async () => {
    const other = await createTestClient(server, {
      redirectUris: ['https://other-rp.example/cb'],
      allowedScopes: ['openid', 'read:bookings'],
    });
    const { redirect, verifier: otherVerifier } = await authorizeThroughPages(
      server,
      new PageAgent(server.url),
      smtp,
      other,
      {
        email: `ttl-${dialect}@example.com`,
        params: { scope: 'openid read:bookings' },
      },
    );
    const { params, verifier } = await authorizeWithPar(server, smtp, as, rp, 'openid', `ttl-${dialect}@example.com`);

    server.clock.advance(61_000);
    // The client's clock follows the server's, so its assertion and proofs stay fresh.
    rp.client[oauth.clockSkew] = 61;
    const late = { ...rp, dpop: oauth.DPoP(rp.client, rp.dpopKeys) };
    const expired = await redeemCode(as, late, params, verifier).catch((error: unknown) => error);
    expect(expired).toBeInstanceOf(oauth.ResponseBodyError);
    expect(expired).toMatchObject({
      error: 'invalid_grant',
      cause: { error_description: 'the authorization code has expired' },
    });
    const otherTokens = await postForm(
      server,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: other.redirectUri,
        code_verifier: otherVerifier,
      },
      { authorization: basicAuth(other.id, other.secret!) },
    );
    expect(otherTokens.status).toBe(200);
  });
});
