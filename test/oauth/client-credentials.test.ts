import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';

describe.each(testDialects())('client_credentials and token endpoint basics (%s)', (dialect) => {
  let server: TestServer;
  let client: TestClient;
  let publicClient: TestClient;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    client = await createTestClient(server, { allowedScopes: ['read:bookings', 'read:assets', 'openid'] });
    publicClient = await createTestClient(server, { type: 'public', allowedScopes: ['read:bookings'] });
  });
  afterAll(() => server.close());

  it('issues an audience-restricted RFC 9068 JWT with no refresh token', async () => {
    const res = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(client.id, client.secret!) },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.json.refresh_token).toBeUndefined();
    expect(res.json.token_type).toBe('Bearer');
    expect(res.json.expires_in).toBe(3600); // caledee profile
    const token = res.json.access_token as string;
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({
      iss: server.url,
      sub: client.id,
      client_id: client.id,
      scope: 'read:bookings',
      aud: `${server.url}/api/v2`,
    });
    expect(typeof claims.jti).toBe('string');
  });

  it('accepts client_secret_post too', async () => {
    const res = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      scope: 'read:assets',
      client_id: client.id,
      client_secret: client.secret!,
    });
    expect(res.status).toBe(200);
    expect(res.json.expires_in).toBe(900); // calico profile
  });

  it('refuses a wrong secret with 401 and a Basic challenge', async () => {
    const res = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials' },
      { authorization: basicAuth(client.id, 'cs_wrong') },
    );
    expect(res.status).toBe(401);
    expect(res.json.error).toBe('invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('reads Basic credentials form-urlencoded as RFC 6749 §2.3.1 says, under any case of the scheme', async () => {
    // Every character percent-encoded, even those that need not be: a client may do so.
    const percentEncoded = (value: string) =>
      [...Buffer.from(value)].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
    const send = (authorization: string) =>
      postForm(server, '/oauth/token', { grant_type: 'client_credentials' }, { authorization });
    const encoded = Buffer.from(`${percentEncoded(client.id)}:${percentEncoded(client.secret!)}`).toString('base64');
    expect((await send(`bAsIc ${encoded}`)).status).toBe(200);
  });

  it('refuses public clients', async () => {
    const res = await postForm(server, '/oauth/token', {
      grant_type: 'client_credentials',
      client_id: publicClient.id,
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('unauthorized_client');
  });

  it('refuses person scopes, unknown scopes and unknown resources', async () => {
    const auth = { authorization: basicAuth(client.id, client.secret!) };
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'openid' }, auth)).json.error,
    ).toBe('invalid_scope');
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'nope' }, auth)).json.error,
    ).toBe('invalid_scope');
    expect(
      (
        await postForm(
          server,
          '/oauth/token',
          { grant_type: 'client_credentials', scope: 'read:bookings', resource: 'https://elsewhere.example/api' },
          auth,
        )
      ).json.error,
    ).toBe('invalid_target');
  });

  it('has no password grant and rejects malformed requests without a 500', async () => {
    const auth = { authorization: basicAuth(client.id, client.secret!) };
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'password', username: 'a', password: 'b' }, auth)).json
        .error,
    ).toBe('unsupported_grant_type');
    expect((await postForm(server, '/oauth/token', {}, auth)).json.error).toBe('invalid_request');
    expect(
      (await postForm(server, '/oauth/token', { grant_type: ['client_credentials', 'client_credentials'] }, auth)).json
        .error,
    ).toBe('invalid_request');
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'a"b' }, auth)).json.error,
    ).toBe('invalid_request');
    expect(
      (await postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'x'.repeat(10_000) }, auth))
        .json.error,
    ).toBe('invalid_request');
    const json = await fetch(server.url + '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"client_credentials"}',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    const broken = await fetch(server.url + '/oauth/token', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic %%%' },
      body: 'grant_type=client_credentials',
    });
    expect(broken.status).toBe(401);
    const both = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', client_id: client.id, client_secret: client.secret! },
      auth,
    );
    expect(both.json.error).toBe('invalid_request');
  });

  it('introspects its own token, hides it from other clients, and revokes it', async () => {
    const auth = { authorization: basicAuth(client.id, client.secret!) };
    const other = await createTestClient(server);
    const token = (
      await postForm(server, '/oauth/token', { grant_type: 'client_credentials', scope: 'read:bookings' }, auth)
    ).json.access_token as string;
    const mine = await postForm(server, '/oauth/introspect', { token }, auth);
    expect(mine.json).toMatchObject({
      active: true,
      client_id: client.id,
      scope: 'read:bookings',
      token_type: 'Bearer',
    });
    const theirs = await postForm(
      server,
      '/oauth/introspect',
      { token },
      { authorization: basicAuth(other.id, other.secret!) },
    );
    expect(theirs.json).toEqual({ active: false });
    const anonymous = await postForm(server, '/oauth/introspect', { token });
    expect(anonymous.status).toBe(401);
    expect((await postForm(server, '/oauth/revoke', { token: 'rt_unknown' }, auth)).status).toBe(200);
    expect(
      (await postForm(server, '/oauth/revoke', { token }, { authorization: basicAuth(other.id, other.secret!) }))
        .status,
    ).toBe(200);
    expect((await postForm(server, '/oauth/introspect', { token }, auth)).json.active).toBe(true);
    expect((await postForm(server, '/oauth/revoke', { token, token_type_hint: 'access_token' }, auth)).status).toBe(
      200,
    );
    expect((await postForm(server, '/oauth/introspect', { token }, auth)).json).toEqual({ active: false });
    expect((await postForm(server, '/oauth/revoke', { token })).status).toBe(401);
  });
});
