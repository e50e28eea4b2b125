import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { sha256, tokenKey } from '../../src/kernel/crypto/tokens.ts';
import { InvalidClientMetadata } from '../../src/oauth/index.ts';
import { PageAgent } from '../helpers/browser.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { authorizeThroughPages, pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

/** One test per item of the contract's security checklist (shared/specs/oauth.md). */
describe.each(testDialects())('security checklist (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let web: TestClient;
  let native: TestClient;
  let agent: PageAgent;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    web = await createTestClient(server, {
      redirectUris: ['https://app.example/cb'],
      allowedScopes: ['openid', 'profile', 'email', 'read:bookings', 'read:assets', 'read:transactions'],
    });
    native = await createTestClient(server, {
      type: 'public',
      redirectUris: ['http://127.0.0.1/callback'],
      allowedScopes: ['openid', 'read:bookings', 'offline_access'],
    });
    agent = new PageAgent(server.url);
  });
  afterAll(() => close());

  const authorizeUrl = (params: Record<string, string>) => `/oauth/authorize?${new URLSearchParams(params).toString()}`;
  const base = (client: TestClient, extra: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.redirectUri,
    state: 'abc',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...extra,
  });
  const exchange = (
    client: TestClient,
    code: string,
    verifier: string | undefined,
    extra: Record<string, string> = {},
  ) =>
    postForm(
      server,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: client.redirectUri,
        ...(verifier ? { code_verifier: verifier } : {}),
        ...(client.secret ? {} : { client_id: client.id }),
        ...extra,
      },
      client.secret ? { authorization: basicAuth(client.id, client.secret) } : {},
    );
  const getCode = async (client: TestClient, params: Record<string, string> = {}) => {
    const { redirect, verifier } = await authorizeThroughPages(server, agent, smtp, client, { params });
    const code = redirect.searchParams.get('code');
    expect(code, redirect.toString()).toBeTruthy();
    return { code: code!, verifier, redirect };
  };

  it('matches redirect URIs exactly, with any port for loopback IPs', async () => {
    for (const bad of [
      'https://app.example/cb/',
      'https://APP.example/cb',
      'https://app.example/cb?x=1',
      'https://app.example/cb/sub',
      'http://app.example/cb',
      'https://app.example:444/cb',
    ]) {
      const res = await agent.get(authorizeUrl(base(web, { redirect_uri: bad })));
      expect(res.status, bad).toBe(400);
      expect(res.headers.get('location')).toBeNull();
    }
    const loopback = await agent.get(authorizeUrl(base(native, { redirect_uri: 'http://127.0.0.1:53123/callback' })));
    expect(loopback.status).toBe(303);
    const otherPath = await agent.get(authorizeUrl(base(native, { redirect_uri: 'http://127.0.0.1:53123/other' })));
    expect(otherPath.status).toBe(400);
  });

  it('never redirects for an unknown client or an unregistered redirect URI', async () => {
    const unknown = await agent.get(
      authorizeUrl(base(web, { client_id: 'cl_nope', redirect_uri: 'https://evil.example/cb' })),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('location')).toBeNull();
    expect(await unknown.text()).toContain('unknown client_id');
    const evil = await agent.get(authorizeUrl(base(web, { redirect_uri: 'https://evil.example/cb' })));
    expect(evil.status).toBe(400);
    expect(evil.headers.get('location')).toBeNull();
  });

  it('refuses http redirect URIs except on loopback IPs', async () => {
    for (const uri of [
      'http://app.example/cb',
      'http://localhost/cb',
      'https://app.example/cb#frag',
      'javascript:alert(1)',
    ]) {
      await expect(
        server.oauth.clientService.create({ name: 'x', type: 'confidential', redirectUris: [uri] }),
        uri,
      ).rejects.toBeInstanceOf(InvalidClientMetadata);
    }
    await expect(
      server.oauth.clientService.create({
        name: 'x',
        type: 'public',
        redirectUris: ['http://[::1]/cb', 'com.example.app:/cb'],
      }),
    ).resolves.toBeTruthy();
  });

  it('enforces PKCE S256, refuses plain and downgrades, and checks the verifier length', async () => {
    const noPkce = await agent.get(
      authorizeUrl({ response_type: 'code', client_id: native.id, redirect_uri: native.redirectUri, state: 'abc' }),
    );
    expect(new URL(noPkce.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const plain = await agent.get(
      authorizeUrl(base(native, { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' })),
    );
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');

    const { code, verifier } = await getCode(native);
    expect((await exchange(native, code, undefined)).json.error).toBe('invalid_grant');
    expect((await exchange(native, code, 'x'.repeat(42))).json.error).toBe('invalid_request');
    expect((await exchange(native, code, 'x'.repeat(129))).json.error).toBe('invalid_request');
    expect((await exchange(native, code, pkcePair().verifier)).json.error).toBe('invalid_grant');
    expect((await exchange(native, code, verifier)).status).toBe(200);

    // A confidential client may skip PKCE, but a verifier without a challenge is a downgrade.
    const noChallenge = await getCode(web, { code_challenge: '', code_challenge_method: '' });
    expect((await exchange(web, noChallenge.code, pkcePair().verifier)).json.error).toBe('invalid_grant');
  });

  it('supports only response_type=code', async () => {
    for (const type of ['token', 'id_token', 'code id_token']) {
      const res = await agent.get(authorizeUrl(base(web, { response_type: type })));
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    }
  });

  it('puts iss on every authorization response and echoes state', async () => {
    const error = await agent.get(authorizeUrl(base(web, { scope: 'nonsense', state: 's-1' })));
    const errorLocation = new URL(error.headers.get('location')!);
    expect(errorLocation.searchParams.get('error')).toBe('invalid_scope');
    expect(errorLocation.searchParams.get('iss')).toBe(server.url);
    expect(errorLocation.searchParams.get('state')).toBe('s-1');
    const { redirect } = await getCode(web, { state: 's-2' });
    expect(redirect.searchParams.get('iss')).toBe(server.url);
    expect(redirect.searchParams.get('state')).toBe('s-2');
  });

  it('pages cannot be framed, load nothing from third parties and send no referrer', async () => {
    const res = await agent.get(authorizeUrl(base(web, { prompt: 'consent' })));
    const { response: page } = await agent.follow(res);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('answers 303 after every POST of a form', async () => {
    const res = await agent.get(authorizeUrl(base(web, { prompt: 'consent' })));
    const consentPath = new URL(res.headers.get('location')!, server.url).pathname;
    const consent = await agent.get(consentPath);
    const decided = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    expect(decided.status).toBe(303);
  });

  it('codes are single use, live 60 s, and a reuse revokes what the first use issued', async () => {
    const { code, verifier } = await getCode(native, { scope: 'openid read:bookings offline_access' });
    const first = await exchange(native, code, verifier);
    expect(first.status).toBe(200);
    const second = await exchange(native, code, verifier);
    expect(second.json.error).toBe('invalid_grant');
    const refreshed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: first.json.refresh_token as string,
      client_id: native.id,
    });
    expect(refreshed.json.error).toBe('invalid_grant');
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${first.json.access_token as string}` },
    });
    expect(userinfo.status).toBe(401);

    const late = await getCode(native);
    server.clock.advance(61_000);
    try {
      expect((await exchange(native, late.code, late.verifier)).json.error).toBe('invalid_grant');
    } finally {
      server.clock.advance(-61_000);
    }
  });

  it('a code redeemed by concurrent requests yields one response, whose tokens the reuse then revokes', async () => {
    const { code, verifier } = await getCode(native, { scope: 'openid read:bookings offline_access' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => exchange(native, code, verifier)));
    const won = answers.filter((a) => a.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((a) => a.json.error === 'invalid_grant')).toHaveLength(7);
    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${won[0]!.json.access_token as string}` },
    });
    expect(userinfo.status).toBe(401);
    const refreshed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: won[0]!.json.refresh_token as string,
      client_id: native.id,
    });
    expect(refreshed.json.error).toBe('invalid_grant');
  });

  it('binds the code to its client and redirect URI', async () => {
    const other = await createTestClient(server, { type: 'public', redirectUris: ['http://127.0.0.1/callback'] });
    const { code, verifier } = await getCode(native);
    expect((await exchange(other, code, verifier)).json.error).toBe('invalid_grant');
    expect((await exchange(native, code, verifier, { redirect_uri: 'http://127.0.0.1/other' })).json.error).toBe(
      'invalid_grant',
    );
  });

  it('sends Cache-Control: no-store on token responses, errors included', async () => {
    const { code, verifier } = await getCode(native);
    const ok = await exchange(native, code, verifier);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    const bad = await exchange(native, 'ac_bogus', verifier);
    expect(bad.headers.get('cache-control')).toBe('no-store');
  });

  it('has no password grant', async () => {
    const res = await postForm(server, '/oauth/token', {
      grant_type: 'password',
      username: 'u',
      password: 'p',
      client_id: native.id,
    });
    expect(res.json.error).toBe('unsupported_grant_type');
    const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as {
      grant_types_supported: string[];
    };
    expect(metadata.grant_types_supported).not.toContain('password');
  });

  it('stores secrets, codes and refresh tokens only as hashes', async () => {
    const row = await server.kernel.database.db
      .selectFrom('clients')
      .selectAll()
      .where('id', '=', web.id)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toBe(sha256(web.secret!));
    const { code, verifier } = await getCode(native, { scope: 'openid offline_access' });
    const tokens = await exchange(native, code, verifier);
    const dump =
      JSON.stringify(await server.kernel.database.db.selectFrom('refresh_tokens').selectAll().execute()) +
      JSON.stringify(await server.kernel.database.db.selectFrom('authorization_codes').selectAll().execute());
    expect(dump).not.toContain(tokens.json.refresh_token as string);
    expect(dump).not.toContain(code);
    expect(dump).toContain(tokenKey(code));
  });

  it('never lets a refresh widen the scope', async () => {
    const { code, verifier } = await getCode(native, { scope: 'openid offline_access' });
    const tokens = await exchange(native, code, verifier);
    const widened = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.json.refresh_token as string,
      client_id: native.id,
      scope: 'openid offline_access read:bookings',
    });
    expect(widened.json.error).toBe('invalid_scope');
    const narrowed = await postForm(server, '/oauth/token', {
      grant_type: 'refresh_token',
      refresh_token: tokens.json.refresh_token as string,
      client_id: native.id,
      scope: 'openid',
    });
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.scope).toBe('openid');
  });

  it('restricts access tokens to the requested resource', async () => {
    const resource = `${server.url}/api/mcp`;
    const { code, verifier } = await getCode(native, { scope: 'read:bookings', resource });
    const tokens = await exchange(native, code, verifier);
    expect(decodeJwt(tokens.json.access_token as string).aud).toBe(resource);
    const unknown = await agent.get(authorizeUrl(base(native, { resource: 'https://elsewhere.example/api' })));
    expect(new URL(unknown.headers.get('location')!).searchParams.get('error')).toBe('invalid_target');
    const second = await getCode(native, { scope: 'read:bookings', resource });
    expect(
      (await exchange(native, second.code, second.verifier, { resource: `${server.url}/platform` })).json.error,
    ).toBe('invalid_target');
  });

  it('refuses access tokens in the query string', async () => {
    const { code, verifier } = await getCode(native, { scope: 'openid' });
    const tokens = await exchange(native, code, verifier);
    const res = await fetch(`${server.url}/oauth/userinfo?access_token=${tokens.json.access_token as string}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.json.access_token as string}` },
    });
    expect(ok.status).toBe(200);
  });

  it('revocation authenticates the client, answers 200 for unknown tokens and takes the family', async () => {
    const { code, verifier } = await getCode(web, { scope: 'openid read:bookings' });
    const tokens = await exchange(web, code, verifier);
    const auth = { authorization: basicAuth(web.id, web.secret!) };
    expect((await postForm(server, '/oauth/revoke', { token: tokens.json.refresh_token as string })).status).toBe(401);
    expect((await postForm(server, '/oauth/revoke', { token: 'rt_unknown' }, auth)).status).toBe(200);
    expect(
      (await postForm(server, '/oauth/introspect', { token: tokens.json.access_token as string }, auth)).json.active,
    ).toBe(true);
    expect(
      (
        await postForm(
          server,
          '/oauth/revoke',
          { token: tokens.json.refresh_token as string, token_type_hint: 'refresh_token' },
          auth,
        )
      ).status,
    ).toBe(200);
    expect(
      (await postForm(server, '/oauth/introspect', { token: tokens.json.access_token as string }, auth)).json,
    ).toEqual({ active: false });
    expect(
      (await postForm(server, '/oauth/introspect', { token: tokens.json.refresh_token as string }, auth)).json,
    ).toEqual({ active: false });
  });

  it("introspection needs client authentication and hides other clients' tokens", async () => {
    const { code, verifier } = await getCode(web, { scope: 'openid read:bookings' });
    const tokens = await exchange(web, code, verifier);
    expect((await postForm(server, '/oauth/introspect', { token: tokens.json.access_token as string })).status).toBe(
      401,
    );
    expect(
      (await postForm(server, '/oauth/introspect', { token: tokens.json.access_token as string, client_id: native.id }))
        .status,
    ).toBe(401);
    const stranger = await createTestClient(server);
    const foreign = await postForm(
      server,
      '/oauth/introspect',
      { token: tokens.json.access_token as string },
      { authorization: basicAuth(stranger.id, stranger.secret!) },
    );
    expect(foreign.json).toEqual({ active: false });
    const own = await postForm(
      server,
      '/oauth/introspect',
      { token: tokens.json.refresh_token as string },
      { authorization: basicAuth(web.id, web.secret!) },
    );
    expect(own.json).toMatchObject({ active: true, token_type: 'refresh_token', client_id: web.id });
  });

  it('pins the issuer in configuration whatever the Host header says', async () => {
    const doc = (await (
      await fetch(`${server.url}/.well-known/oauth-authorization-server`, {
        headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
      })
    ).json()) as { issuer: string };
    expect(doc.issuer).toBe(server.url);
  });
});
