import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { PageAgent } from '../../helpers/browser.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../../helpers/clients.ts';
import { clientKeyPair } from '../../helpers/client-keys.ts';
import { freshDatabaseUrl, testDialects, type TestDialect } from '../../helpers/database.ts';
import { authorizeThroughPages, pkcePair } from '../../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../../helpers/oauth-server.ts';
import type { TestServer } from '../../helpers/server.ts';
import { signedInAgent, visibleText } from '../../console/support/signed-in.ts';
import { discover, insecure } from '../dpop/support.ts';
import { authorizeWithPar, redeemCode, register, registerFapiClient } from './support.ts';

/** A database two servers use one after the other (a SQLite file, or a PostgreSQL database). */
async function sharedDatabase(dialect: TestDialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'postgres') return freshDatabaseUrl('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'consentry-fapi2-'));
  return { url: `sqlite:${join(dir, 'db.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * PORTFOLIO_REQUIRE_FAPI2: once set, the portfolio's scopes go only to FAPI 2.0 clients —
 * at registration (DCR and the console), at the authorization and PAR endpoints, for client
 * credentials, and at refresh, for a client registered and given tokens before the setting.
 * Other products' scopes are untouched. The refusal is `invalid_scope` (RFC 6749 §4.1.2.1,
 * §5.2); registrations get `invalid_client_metadata` (RFC 7591 §3.2.2).
 */
describe.each(testDialects())('PORTFOLIO_REQUIRE_FAPI2 (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let database: { url: string; drop(): Promise<void> };
  /** Registered, and given a refresh token for read:assets, before the setting was turned on. */
  let legacy: TestClient;
  let legacyRefreshToken: string;

  beforeAll(async () => {
    database = await sharedDatabase(dialect);
    const before = await startServerWithMail({ dialect, databaseUrl: database.url });
    legacy = await createTestClient(before.server, {
      redirectUris: ['https://legacy.example/cb'],
      allowedScopes: ['openid', 'offline_access', 'read:assets', 'read:bookings'],
    });
    const { redirect, verifier } = await authorizeThroughPages(
      before.server,
      new PageAgent(before.server.url),
      before.smtp,
      legacy,
      {
        email: `legacy-${dialect}@example.com`,
        params: { scope: 'openid offline_access read:assets' },
      },
    );
    const tokens = await postForm(
      before.server,
      '/oauth/token',
      {
        grant_type: 'authorization_code',
        code: redirect.searchParams.get('code')!,
        redirect_uri: legacy.redirectUri,
        code_verifier: verifier,
      },
      { authorization: basicAuth(legacy.id, legacy.secret!) },
    );
    expect(tokens.status).toBe(200);
    legacyRefreshToken = tokens.json.refresh_token as string;
    await before.close();

    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      databaseUrl: database.url,
      env: { PORTFOLIO_REQUIRE_FAPI2: 'true', REGISTRATION_RATE_LIMIT_PER_MINUTE: '1000' },
    }));
  });
  afterAll(async () => {
    await close();
    await database.drop();
  });

  const legacyAuth = () => ({ authorization: basicAuth(legacy.id, legacy.secret!) });

  it('refuses a client registered before the setting: refresh, authorization (also at /connect) and client credentials', async () => {
    const refresh = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: legacyRefreshToken },
      legacyAuth(),
    );
    expect(refresh.status).toBe(400);
    expect(refresh.json).toEqual({
      error: 'invalid_scope',
      error_description: 'scope read:assets is only for FAPI 2.0 clients on this server',
    });
    // Narrowed to what it may still have, the same refresh token works.
    const narrowed = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'refresh_token', refresh_token: legacyRefreshToken, scope: 'openid offline_access' },
      legacyAuth(),
    );
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.scope).toBe('openid offline_access');

    const agent = new PageAgent(server.url);
    for (const path of ['/oauth/authorize', '/connect']) {
      const query = new URLSearchParams({
        client_id: legacy.id,
        redirect_uri: legacy.redirectUri,
        state: 'st-portfolio',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
        ...(path === '/oauth/authorize' ? { response_type: 'code', scope: 'openid read:assets' } : {}),
      });
      const response = await agent.get(`${path}?${query}`);
      expect(response.status, path).toBe(303);
      const location = new URL(response.headers.get('location')!);
      expect(location.origin + location.pathname).toBe(legacy.redirectUri);
      expect(location.searchParams.get('error'), path).toBe('invalid_scope');
      expect(location.searchParams.get('state')).toBe('st-portfolio');
    }

    const portfolio = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:assets' },
      legacyAuth(),
    );
    expect(portfolio.status).toBe(400);
    expect(portfolio.json.error).toBe('invalid_scope');
    const scheduling = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      legacyAuth(),
    );
    expect(scheduling.status).toBe(200);
  });

  it('refuses a new registration asking for a portfolio scope without fapi2, and gives none unasked', async () => {
    const asking = await register(server, { redirect_uris: ['https://new.example/cb'], scope: 'openid read:assets' });
    expect(asking.status).toBe(400);
    expect(asking.json).toEqual({
      error: 'invalid_client_metadata',
      error_description:
        'scope read:assets is only for FAPI 2.0 clients on this server: register the client with fapi2',
    });
    const unasked = await register(server, { redirect_uris: ['https://new.example/cb'] });
    expect(unasked.status).toBe(201);
    const scopes = (unasked.json.scope as string).split(' ');
    expect(scopes).toContain('read:bookings');
    expect(scopes).not.toContain('read:assets');
  });

  it('serves a FAPI 2.0 client the portfolio scopes: PAR, code and the Platform API with DPoP', async () => {
    const as = await discover(server);
    const rp = await registerFapiClient(server);
    const { params, verifier, nonce } = await authorizeWithPar(
      server,
      smtp,
      as,
      rp,
      'openid read:assets read:providers',
      `fapi-portfolio-${dialect}@example.com`,
    );
    const tokens = await redeemCode(as, rp, params, verifier, nonce);
    expect(tokens.scope).toBe('openid read:assets read:providers');
    const catalog = await oauth.protectedResourceRequest(
      tokens.access_token,
      'GET',
      new URL(`${server.url}/platform/v2/providers/catalog`),
      new Headers(),
      null,
      { DPoP: rp.dpop, ...insecure },
    );
    expect(catalog.status).toBe(200);
  });

  it('the console leaves portfolio scopes unticked for a new app, marks them, and takes them only with FAPI 2.0', async () => {
    const owner = await signedInAgent(server, smtp, `console-${dialect}@example.com`);
    const form = await (await owner.get('/developers/apps/new')).text();
    expect(form).not.toMatch(/value="read:assets" checked/);
    expect(form).toMatch(/value="read:bookings" checked/);
    expect(visibleText(form)).toContain('See your crypto balances and positions (FAPI 2.0 apps only)');
    const key = await clientKeyPair('ES256');
    const fields = {
      name: 'Portfolio Viewer',
      type: 'confidential',
      redirect_uris: 'https://viewer.example/cb',
      allowed_scopes: ['openid', 'read:assets'],
      default_scopes: ['openid'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks: JSON.stringify({ keys: [key.publicJwk] }),
    };
    const refused = await owner.submit(form, fields, '/developers/apps');
    expect(refused.status).toBe(400);
    expect(visibleText(await refused.text())).toContain(
      'Scope read:assets is only for FAPI 2.0 clients on this server: register the client with fapi2.',
    );
    const created = await owner.submit(form, { ...fields, fapi2: 'on' }, '/developers/apps');
    expect(created.status).toBe(303);
  });
});
