import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { basicAuth, postForm } from '../helpers/clients.ts';
import { clientKeyPair } from '../helpers/client-keys.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe.each(testDialects())('dynamic client registration, RFC 7591 and 7592 (%s)', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      dialect,
      env: { REGISTRATION_SECRET_TTL_SECONDS: '3600', REGISTRATION_RATE_LIMIT_PER_MINUTE: '1000' },
    });
  });
  afterAll(() => server.close());

  const register = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}/oauth/register`, json(body, headers));
    return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
  };

  it('registers a confidential web client with an expiring secret and a registration token', async () => {
    const res = await register({
      client_name: 'Calendar Sync',
      redirect_uris: ['https://sync.example/cb'],
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      scope: 'openid read:bookings',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.json).toMatchObject({
      client_name: 'Calendar Sync',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: ['https://sync.example/cb'],
      response_types: ['code'],
      application_type: 'web',
      scope: 'openid read:bookings',
    });
    expect(res.json.client_secret).toMatch(/^cs_/);
    expect(res.json.registration_access_token).toMatch(/^rat_/);
    expect(res.json.client_secret_expires_at).toBe((res.json.client_id_issued_at as number) + 3600);
    const token = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(res.json.client_id as string, res.json.client_secret as string) },
    );
    expect(token.status).toBe(200);
    server.clock.advance(3601_000);
    try {
      const expired = await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: 'read:bookings' },
        { authorization: basicAuth(res.json.client_id as string, res.json.client_secret as string) },
      );
      expect(expired.json.error).toBe('invalid_client');
    } finally {
      server.clock.advance(-3601_000);
    }
  });

  it('registers a native public client with loopback and private-use redirects', async () => {
    const res = await register({
      client_name: 'Desktop',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback', 'com.example.desktop:/cb'],
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(res.status).toBe(201);
    expect(res.json.client_secret).toBeUndefined();
    expect(res.json.token_endpoint_auth_method).toBe('none');
    const discovery = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery.registration_endpoint).toBe(`${server.url}/oauth/register`);
  });

  it('refuses bad metadata with RFC 7591 errors and stores nothing', async () => {
    const before = (await server.oauth.clients.list()).length;
    const cases: Array<[unknown, string]> = [
      [{ redirect_uris: ['http://app.example/cb'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['https://app.example/cb#frag'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: ['http://127.0.0.1/cb'] }, 'invalid_redirect_uri'], // a web application gets https only
      [{ redirect_uris: ['com.example.app:/cb'], application_type: 'native' }, 'invalid_redirect_uri'], // private schemes need a public client
      [{ redirect_uris: ['not a url'] }, 'invalid_redirect_uri'],
      [{ redirect_uris: [] }, 'invalid_redirect_uri'],
      [{ redirect_uris: 'https://app.example/cb' }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], scope: 'openid nonsense' }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], response_types: ['token'] }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], grant_types: ['password'] }, 'invalid_client_metadata'],
      [
        { redirect_uris: ['https://app.example/cb'], token_endpoint_auth_method: 'private_key_jwt' },
        'invalid_client_metadata',
      ],
      [{ redirect_uris: ['https://app.example/cb'], jwks_uri: 'http://app.example/jwks' }, 'invalid_client_metadata'],
      [
        { redirect_uris: ['https://app.example/cb'], request_uris: ['https://app.example/r'] },
        'invalid_client_metadata',
      ],
      [{ redirect_uris: ['https://app.example/cb'], logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata'],
      [{ redirect_uris: ['https://app.example/cb'], software_statement: 'eyJ...' }, 'invalid_software_statement'],
      [[1, 2], 'invalid_client_metadata'],
    ];
    for (const [body, error] of cases) {
      const res = await register(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error, JSON.stringify(body)).toBe(error);
    }
    const notJson = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{oops',
    });
    expect(notJson.status).toBe(400);
    const huge = await fetch(
      `${server.url}/oauth/register`,
      json({ redirect_uris: ['https://app.example/cb'], client_name: 'x'.repeat(20_000) }),
    );
    expect(huge.status).toBe(400);
    expect((await server.oauth.clients.list()).length).toBe(before);
  });

  it('lets the registrant read, update and delete with the registration access token (RFC 7592)', async () => {
    const created = (await register({ client_name: 'Managed', redirect_uris: ['https://m.example/cb'] })).json;
    const uri = created.registration_client_uri as string;
    expect(uri).toBe(`${server.url}/oauth/register/${created.client_id as string}`);
    const auth = { authorization: `Bearer ${created.registration_access_token as string}` };
    const read = await fetch(uri, { headers: auth });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Record<string, unknown>).client_secret).toBeUndefined();
    expect((await fetch(uri, { headers: { authorization: 'Bearer rat_wrong' } })).status).toBe(401);
    expect((await fetch(uri)).status).toBe(401);
    const updated = await fetch(uri, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: created.client_id,
        client_name: 'Managed v2',
        redirect_uris: ['https://m.example/cb2'],
      }),
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ client_name: 'Managed v2', redirect_uris: ['https://m.example/cb2'] });
    const badUpdate = await fetch(uri, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: created.client_id, redirect_uris: ['http://m.example/cb'] }),
    });
    expect(badUpdate.status).toBe(400);
    expect((await fetch(uri, { method: 'DELETE', headers: auth })).status).toBe(204);
    expect((await fetch(uri, { headers: auth })).status).toBe(401);
  });

  it('registers clients that authenticate by key (private_key_jwt) with jwks or jwks_uri, and no secret', async () => {
    const { publicJwk } = await clientKeyPair('ES256');
    const res = await register({
      client_name: 'Keyed',
      redirect_uris: ['https://keyed.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      request_object_signing_alg: 'ES256',
      require_pushed_authorization_requests: true,
      jwks: { keys: [publicJwk] },
    });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      request_object_signing_alg: 'ES256',
      require_pushed_authorization_requests: true,
      jwks: { keys: [publicJwk] },
    });
    expect(res.json.client_secret).toBeUndefined();
    expect(res.json.client_secret_expires_at).toBeUndefined();
    const read = await fetch(`${server.url}/oauth/register/${res.json.client_id as string}`, {
      headers: { authorization: `Bearer ${res.json.registration_access_token as string}` },
    });
    expect(await read.json()).toMatchObject({
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: { keys: [publicJwk] },
    });

    const byUri = await register({
      redirect_uris: ['https://keyed.example/cb'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks_uri: 'https://keyed.example/jwks.json',
    });
    expect(byUri.status).toBe(201);
    expect(byUri.json.jwks_uri).toBe('https://keyed.example/jwks.json');
  });

  it('refuses key metadata it cannot use, with invalid_client_metadata', async () => {
    const { publicJwk } = await clientKeyPair('ES256');
    const jwkOf = (key: import('node:crypto').KeyObject) => key.export({ format: 'jwk' });
    const p384 = jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey);
    const rsa1024 = jwkOf(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey);
    const privateEc = jwkOf(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    const base = { redirect_uris: ['https://keyed.example/cb'], token_endpoint_auth_method: 'private_key_jwt' };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...base, jwks: { keys: [publicJwk] }, jwks_uri: 'https://keyed.example/jwks' }, /mutually exclusive/],
      [base, /needs the client’s public keys/],
      [{ ...base, jwks: [publicJwk] }, /must be a JWK Set/],
      [{ ...base, jwks: { keys: [] } }, /non-empty "keys"/],
      [{ ...base, jwks: { keys: [privateEc] } }, /private or symmetric key material/],
      [{ ...base, jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, /private or symmetric/],
      [{ ...base, jwks: { keys: [p384] } }, /P-256/],
      [{ ...base, jwks: { keys: [rsa1024] } }, /at least 2048 bits/],
      [{ ...base, jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'bm90', y: 'YXBvaW50' }] } }, /not a valid public key/],
      [{ ...base, jwks: { keys: [publicJwk, publicJwk] } }, /used twice/],
      [{ ...base, jwks_uri: 'https://10.0.0.7/jwks' }, /may not be fetched/],
      [{ ...base, jwks_uri: 'https://keyed.example/jwks#k' }, /fragment/],
      [{ ...base, jwks: { keys: [publicJwk] }, token_endpoint_auth_signing_alg: 'HS256' }, /must be one of ES256/],
      [{ ...base, jwks: { keys: [publicJwk] }, request_object_signing_alg: 'none' }, /unsigned request objects/],
      [{ ...base, jwks: { keys: [publicJwk] }, require_pushed_authorization_requests: 'yes' }, /must be a boolean/],
      [{ redirect_uris: ['https://keyed.example/cb'], request_object_signing_alg: 'ES256' }, /need jwks or jwks_uri/],
      [{ ...base, token_endpoint_auth_method: 'tls_client_auth' }, /must be one of none/],
    ];
    for (const [body, message] of cases) {
      const res = await register(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error, JSON.stringify(body)).toBe('invalid_client_metadata');
      expect(res.json.error_description, JSON.stringify(body)).toMatch(message);
    }
  });
});

describe('registration hardening', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      env: { REGISTRATION_INITIAL_ACCESS_TOKEN: 'iat-secret', REGISTRATION_RATE_LIMIT_PER_MINUTE: '3' },
    });
  });
  afterAll(() => server.close());

  it('needs the initial access token when one is configured, and limits each IP', async () => {
    const body = { redirect_uris: ['https://app.example/cb'] };
    const anonymous = await fetch(`${server.url}/oauth/register`, json(body));
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/invalid_token/);
    expect((await fetch(`${server.url}/oauth/register`, json(body, { authorization: 'Bearer wrong' }))).status).toBe(
      401,
    );
    expect(
      (await fetch(`${server.url}/oauth/register`, json(body, { authorization: 'Bearer iat-secret' }))).status,
    ).toBe(201);
    const limited = await fetch(`${server.url}/oauth/register`, json(body, { authorization: 'Bearer iat-secret' }));
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
