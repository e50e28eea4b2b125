import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT, generateKeyPair } from 'jose';
import { TokenRejected } from '../../src/oauth/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';

describe.each(testDialects())('resource guard (%s)', (dialect) => {
  let server: TestServer;
  let client: TestClient;
  const bookings = () => `${server.url}/api/v2`;

  beforeAll(async () => {
    server = await startTestServer({
      dialect,
      extend: ({ app, kernel, oauth }) => {
        // A stand-in product route, guarded exactly as the products' routes are.
        app.register(async (scope) => {
          scope.setErrorHandler((error, _request, reply) => {
            if (error instanceof TokenRejected)
              return reply
                .code(error.status)
                .header('www-authenticate', error.wwwAuthenticate)
                .send({ message: error.description });
            throw error;
          });
          scope.get(
            '/api/v2/guard-probe-pat',
            {
              preHandler: oauth.requireToken(`${kernel.config.ISSUER}/api/v2`, {
                allOf: ['read:bookings'],
                allowPersonalAccessTokens: true,
              }),
            },
            async (request) => ({ sub: request.accessToken?.sub, client: request.accessToken?.client_id }),
          );
          scope.get(
            '/api/v2/guard-probe',
            { preHandler: oauth.requireToken(`${kernel.config.ISSUER}/api/v2`, { allOf: ['read:bookings'] }) },
            async (request) => ({ sub: request.accessToken?.sub }),
          );
        });
      },
    });
    client = await createTestClient(server, { allowedScopes: ['read:bookings', 'read:profile', 'read:assets'] });
  });
  afterAll(() => server.close());

  const token = async (scope: string) =>
    (
      await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope },
        { authorization: basicAuth(client.id, client.secret!) },
      )
    ).json.access_token as string;
  const probe = (headers: Record<string, string> = {}, query = '') =>
    fetch(`${server.url}/api/v2/guard-probe${query}`, { headers });

  it('lets a valid token with the scope through', async () => {
    const res = await probe({ authorization: `Bearer ${await token('read:bookings')}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sub: client.id });
  });

  it('answers 401 with resource_metadata and scope when no token is sent', async () => {
    const res = await probe();
    expect(res.status).toBe(401);
    const header = res.headers.get('www-authenticate')!;
    expect(header).toContain(`resource_metadata="${server.url}/.well-known/oauth-protected-resource/api/v2"`);
    expect(header).toContain('scope="read:bookings"');
    const metadata = await (await fetch(`${server.url}/.well-known/oauth-protected-resource/api/v2`)).json();
    expect(metadata).toMatchObject({
      resource: bookings(),
      authorization_servers: [server.url],
      bearer_methods_supported: ['header'],
    });
  });

  it('answers 403 insufficient_scope for a token without the scope', async () => {
    const res = await probe({ authorization: `Bearer ${await token('read:profile')}` });
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/error="insufficient_scope"/);
  });

  it('refuses a token meant for another resource', async () => {
    const res = await probe({ authorization: `Bearer ${await token('read:assets')}` });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses tokens in the query string even when valid', async () => {
    const res = await probe({}, `?access_token=${await token('read:bookings')}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_request"/);
  });

  it('refuses forged, expired and revoked tokens', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const forged = await new SignJWT({ client_id: client.id, scope: 'read:bookings' })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'forged' })
      .setIssuer(server.url)
      .setSubject('x')
      .setAudience(bookings())
      .setIssuedAt()
      .setExpirationTime('1h')
      .setJti('j')
      .sign(privateKey);
    expect((await probe({ authorization: `Bearer ${forged}` })).status).toBe(401);
    expect((await probe({ authorization: 'Bearer not.a.jwt' })).status).toBe(401);
    expect((await probe({ authorization: 'Basic abc' })).status).toBe(400);

    const revoked = await token('read:bookings');
    expect((await probe({ authorization: `Bearer ${revoked}` })).status).toBe(200);
    await postForm(
      server,
      '/oauth/revoke',
      { token: revoked },
      { authorization: basicAuth(client.id, client.secret!) },
    );
    expect((await probe({ authorization: `Bearer ${revoked}` })).status).toBe(401);

    // Used once first, so the node has remembered it as verified: expiry still holds.
    const expiring = await token('read:bookings');
    expect((await probe({ authorization: `Bearer ${expiring}` })).status).toBe(200);
    server.clock.advance(3601 * 1000);
    try {
      const res = await probe({ authorization: `Bearer ${expiring}` });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/expired/);
    } finally {
      server.clock.advance(-3601 * 1000);
    }
  });

  it('accepts personal access tokens only where allowed, with their scopes, until revoked', async () => {
    const user = await server.accounts.users.create({ email: 'pat-owner@example.com' });
    const { id, token } = await server.oauth.personalTokens.create({
      userId: user.id,
      name: 'cli',
      scopes: ['read:bookings'],
    });
    expect(token).toMatch(/^pat_/);
    const withPat = (path: string) =>
      fetch(`${server.url}/api/v2/${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await withPat('guard-probe')).status).toBe(401);
    const ok = await withPat('guard-probe-pat');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ sub: user.id, client: 'pat' });
    const listed = await server.oauth.personalTokens.list(user.id);
    expect(listed[0]).toMatchObject({ id, name: 'cli', scopes: ['read:bookings'] });
    expect(listed[0]!.lastUsedAt).not.toBeNull();
    const narrow = await server.oauth.personalTokens.create({
      userId: user.id,
      name: 'profile only',
      scopes: ['read:profile'],
    });
    expect(
      (await fetch(`${server.url}/api/v2/guard-probe-pat`, { headers: { authorization: `Bearer ${narrow.token}` } }))
        .status,
    ).toBe(403);
    await server.oauth.personalTokens.revoke(user.id, id);
    expect((await withPat('guard-probe-pat')).status).toBe(401);
    await expect(
      server.oauth.personalTokens.create({ userId: user.id, name: 'x', scopes: ['openid'] }),
    ).rejects.toThrow(/cannot be given/);
  });

  it('refuses the tokens of an app once the app is deleted', async () => {
    const doomed = await createTestClient(server, { allowedScopes: ['read:bookings'] });
    const token = (
      await postForm(
        server,
        '/oauth/token',
        { grant_type: 'client_credentials', scope: 'read:bookings' },
        { authorization: basicAuth(doomed.id, doomed.secret!) },
      )
    ).json.access_token as string;
    expect((await probe({ authorization: `Bearer ${token}` })).status).toBe(200);
    await server.oauth.deleteClient(doomed.id);
    const refused = await probe({ authorization: `Bearer ${token}` });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('no longer exists');
  });
});
