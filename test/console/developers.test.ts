import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRejected } from '../../src/oauth/index.ts';
import { PageAgent } from '../helpers/browser.ts';
import { basicAuth, postForm } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { authorizeThroughPages } from '../helpers/oauth-flow.ts';
import { csrfIn, signedInAgent, visibleText } from './support/signed-in.ts';

const APP = {
  name: 'Budget Buddy',
  type: 'confidential',
  redirect_uris: 'https://budget.example/callback\nhttp://127.0.0.1/cb',
  allowed_scopes: ['openid', 'profile', 'read:bookings'],
  default_scopes: ['openid'],
  logo_uri: '',
  access_token_ttl: '',
  refresh_token_ttl: '',
};

describe.each(testDialects())('the developer console (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let owner: PageAgent;
  let stranger: PageAgent;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      extend: ({ app, kernel, oauth }) => {
        // A route that accepts personal access tokens, guarded as the scheduling API's are.
        app.register(async (scope) => {
          scope.setErrorHandler((error, _request, reply) => {
            if (error instanceof TokenRejected) return reply.code(error.status).send({ message: error.description });
            throw error;
          });
          scope.get(
            '/api/v2/console-probe',
            {
              preHandler: oauth.requireToken(`${kernel.config.ISSUER}/api/v2`, {
                allOf: ['read:bookings'],
                allowPersonalAccessTokens: true,
              }),
            },
            async (request) => ({ sub: request.accessToken?.sub }),
          );
        });
      },
    }));
    [owner, stranger] = await Promise.all([
      signedInAgent(server, smtp, 'owner@example.com'),
      signedInAgent(server, smtp, 'stranger@example.com'),
    ]);
  });
  afterAll(() => close());

  /** Registers APP (with overrides) through the form; returns the app page's path. */
  async function createApp(agent: PageAgent, overrides: Record<string, string | string[]> = {}): Promise<string> {
    const form = await agent.get('/developers/apps/new');
    expect(form.status).toBe(200);
    const created = await agent.submit(await form.text(), { ...APP, ...overrides }, '/developers/apps');
    expect(created.status, await created.clone().text()).toBe(303);
    return created.headers.get('location')!;
  }

  const clientCredentials = (clientId: string, secret: string) =>
    postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(clientId, secret) },
    );

  it('sends a signed-out visitor to sign in and back', async () => {
    const response = await new PageAgent(server.url).get('/developers/apps/new');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/signin?return_to=%2Fdevelopers%2Fapps%2Fnew');
  });

  it('registers a confidential app and shows its secret exactly once', async () => {
    const path = await createApp(owner);
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const stored = await server.oauth.clients.findById(clientId);
    expect(stored).toMatchObject({
      name: 'Budget Buddy',
      type: 'confidential',
      redirectUris: ['https://budget.example/callback', 'http://127.0.0.1/cb'],
      allowedScopes: ['openid', 'profile', 'read:bookings'],
      defaultScopes: ['openid'],
      registeredVia: 'console',
    });
    expect(stored!.ownerUserId).toBeTruthy();

    const first = await owner.get(path);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const page = await first.text();
    const secret = /id="client-secret"[^>]*value="(cs_[^"]+)"/.exec(page)?.[1];
    expect(secret, 'secret on the first view').toBeDefined();
    expect(page).toContain(clientId);
    expect((await clientCredentials(clientId, secret!)).status).toBe(200);

    const again = await (await owner.get(path)).text();
    expect(again).not.toContain(secret);
    expect(again).not.toContain('id="client-secret"');
    expect(await (await owner.get('/developers')).text()).toContain('Budget Buddy');
  });

  it('registers a public app without a secret', async () => {
    const path = await createApp(owner, { name: 'Pocket', type: 'public', redirect_uris: 'com.example.pocket:/cb' });
    const page = await (await owner.get(path)).text();
    expect(page).not.toContain('client-secret');
    expect(page).not.toContain('Rotate secret');
    expect(await server.oauth.clients.findById(decodeURIComponent(path.split('/').pop()!))).toMatchObject({
      type: 'public',
      secretHash: null,
    });
  });

  it('shows what is wrong next to the field, with 400, keeping what was typed', async () => {
    const form = await (await owner.get('/developers/apps/new')).text();
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ name: '  ' }, 'Give the app a name.'],
      [{ redirect_uris: 'http://budget.example/callback' }, 'uses http on a non-loopback host'],
      [{ redirect_uris: '' }, 'At least one redirect URI is required.'],
      [{ default_scopes: ['read:assets'] }, 'Default scope read:assets is not allowed'],
      [{ allowed_scopes: ['openid', 'made:up'] }, 'Unknown scope made:up.'],
      [
        { access_token_ttl: '5' },
        `Choose between ${server.config.ACCESS_TOKEN_TTL_MIN_SECONDS} and ${server.config.ACCESS_TOKEN_TTL_MAX_SECONDS} seconds`,
      ],
      [{ refresh_token_ttl: 'soon' }, 'Enter whole seconds'],
      [{ logo_uri: 'http://budget.example/logo.png' }, 'The logo URL must use https'],
    ];
    for (const [overrides, message] of cases) {
      const refused = await owner.submit(form, { ...APP, name: 'Typed name', ...overrides }, '/developers/apps');
      expect(refused.status, message).toBe(400);
      const body = await refused.text();
      expect(visibleText(body), message).toContain(message);
      expect(body).toContain('role="alert"');
      expect(body).toContain('aria-invalid="true"');
      if (overrides.name === undefined) expect(body).toContain('value="Typed name"');
    }
    expect((await server.oauth.clients.list()).filter((c) => c.name === 'Typed name')).toHaveLength(0);
  });

  it('edits an app: same id and secret, new settings', async () => {
    const path = await createApp(owner, { name: 'Editable' });
    const secret = /value="(cs_[^"]+)"/.exec(await (await owner.get(path)).text())![1]!;
    const page = await (await owner.get(path)).text();
    const saved = await owner.post(path, {
      csrf: csrfIn(page),
      ...APP,
      name: 'Edited',
      redirect_uris: 'https://edited.example/cb',
      access_token_ttl: '600',
      allowed_scopes: ['openid', 'read:bookings'],
    });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toBe(`${path}?saved=1`);
    const clientId = decodeURIComponent(path.split('/').pop()!);
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({
      name: 'Edited',
      type: 'confidential',
      redirectUris: ['https://edited.example/cb'],
      accessTokenTtl: 600,
    });
    expect((await clientCredentials(clientId, secret)).status).toBe(200);
    expect(await (await owner.get(`${path}?saved=1`)).text()).toContain('Your changes were saved.');

    const refused = await owner.post(path, { csrf: csrfIn(page), ...APP, redirect_uris: 'ftp://nope.example/' });
    expect(refused.status).toBe(400);
    expect(visibleText(await refused.text())).toContain('forbidden scheme');
  });

  it('rotates the secret: the new one is shown once and the old one stops working', async () => {
    const path = await createApp(owner, { name: 'Rotating' });
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const page = await (await owner.get(path)).text();
    const oldSecret = /value="(cs_[^"]+)"/.exec(page)![1]!;
    const rotated = await owner.submit(page, {}, '/rotate-secret');
    expect(rotated.status).toBe(303);
    const shown = await (await owner.get(rotated.headers.get('location')!)).text();
    const newSecret = /value="(cs_[^"]+)"/.exec(shown)![1]!;
    expect(newSecret).not.toBe(oldSecret);
    expect((await clientCredentials(clientId, oldSecret)).status).toBe(401);
    expect((await clientCredentials(clientId, newSecret)).status).toBe(200);
    expect(await (await owner.get(path)).text()).not.toContain(newSecret);
  });

  it('answers 404 to everyone but the owner, for every page and form of an app', async () => {
    const path = await createApp(owner, { name: 'Private' });
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const csrf = csrfIn(await (await stranger.get('/developers/apps/new')).text());
    expect((await stranger.get(path)).status).toBe(404);
    expect((await stranger.get(`${path}/delete`)).status).toBe(404);
    expect((await stranger.post(path, { csrf, ...APP, name: 'Hijacked' })).status).toBe(404);
    expect((await stranger.post(`${path}/rotate-secret`, { csrf })).status).toBe(404);
    expect((await stranger.post(`${path}/delete`, { csrf })).status).toBe(404);
    expect(await (await stranger.get('/developers')).text()).not.toContain('Private');
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({ name: 'Private' });
    // Clients nobody owns (CLI, dynamic registration, the /try demo) are not anyone's either.
    const cli = await server.oauth.clientService.create({
      name: 'CLI app',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
    });
    expect((await owner.get(`/developers/apps/${cli.client.id}`)).status).toBe(404);
    expect((await owner.get('/developers/apps/no-such-app')).status).toBe(404);
  });

  it('deletes an app after a confirmation page; the tokens it holds for people stop working', async () => {
    const path = await createApp(owner, { name: 'Doomed', type: 'public', redirect_uris: 'http://127.0.0.1/cb' });
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const { redirect, verifier } = await authorizeThroughPages(
      server,
      owner,
      smtp,
      { id: clientId, redirectUri: 'http://127.0.0.1/cb' },
      { params: { scope: 'openid' } },
    );
    const tokens = await postForm(server, '/oauth/token', {
      grant_type: 'authorization_code',
      code: redirect.searchParams.get('code')!,
      redirect_uri: 'http://127.0.0.1/cb',
      code_verifier: verifier,
      client_id: clientId,
    });
    const userinfo = () =>
      fetch(`${server.url}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${tokens.json.access_token as string}` },
      });
    expect((await userinfo()).status).toBe(200);

    const confirm = await owner.get(`${path}/delete`);
    expect(confirm.status).toBe(200);
    const deleted = await owner.submit(await confirm.text(), {}, '/delete');
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/developers?deleted=app');
    expect(await server.oauth.clients.findById(clientId)).toBeUndefined();
    expect(await (await owner.get('/developers?deleted=app')).text()).toContain('The app was deleted.');
    server.clock.advance(server.config.REVOCATION_CACHE_MS + 1);
    expect((await userinfo()).status).toBe(401);
  });

  it('refuses every console form without its CSRF token (403) and changes nothing', async () => {
    const path = await createApp(owner, { name: 'Guarded' });
    const clientId = decodeURIComponent(path.split('/').pop()!);
    const tries: Array<[string, Record<string, string | string[]>]> = [
      ['/developers/apps', { ...APP, name: 'Forged' }],
      [path, { ...APP, name: 'Forged' }],
      [`${path}/rotate-secret`, {}],
      [`${path}/delete`, {}],
      ['/developers/tokens', { name: 'forged', scopes: ['read:bookings'], expires_in: '30d' }],
      ['/developers/tokens/anything/revoke', {}],
    ];
    for (const [action, form] of tries) {
      for (const csrf of [undefined, 'forged']) {
        const response = await owner.post(action, csrf ? { ...form, csrf } : form);
        expect(response.status, `${action} with csrf=${csrf}`).toBe(403);
        expect(await response.text()).toContain('This form has expired');
      }
    }
    expect(await server.oauth.clients.findById(clientId)).toMatchObject({ name: 'Guarded' });
    expect((await server.oauth.clients.list()).some((c) => c.name === 'Forged')).toBe(false);
  });

  it('creates a personal access token shown once, usable at once, listed with its last use, and revocable', async () => {
    const form = await (await owner.get('/developers/tokens/new')).text();
    expect(form).toContain('value="read:bookings"');
    expect(form).not.toContain('value="openid"'); // sign-in scopes mean nothing on a PAT
    const created = await owner.submit(
      form,
      { name: 'calendar sync', scopes: ['read:bookings', 'read:event-types'], expires_in: '30d' },
      '/developers/tokens',
    );
    expect(created.status).toBe(303);
    const dashboard = await (await owner.get(created.headers.get('location')!)).text();
    const token = /id="new-token"[^>]*value="(pat_[^"]+)"/.exec(dashboard)?.[1];
    expect(token).toBeDefined();
    expect(visibleText(dashboard)).toContain('never used');

    const probe = () => fetch(`${server.url}/api/v2/console-probe`, { headers: { authorization: `Bearer ${token!}` } });
    const used = await probe();
    expect(used.status).toBe(200);
    expect(((await used.json()) as { sub: string }).sub).toBeTruthy();

    const later = await (await owner.get('/developers')).text();
    expect(later).not.toContain(token);
    expect(visibleText(later)).toContain('calendar sync');
    expect(visibleText(later)).toMatch(/last used \d/);
    expect(await (await stranger.get('/developers')).text()).not.toContain('calendar sync');

    const tokenId = /action="\/developers\/tokens\/([^/]+)\/revoke"/.exec(later)![1]!;
    const strangerCsrf = csrfIn(await (await stranger.get('/developers/tokens/new')).text());
    expect((await stranger.post(`/developers/tokens/${tokenId}/revoke`, { csrf: strangerCsrf })).status).toBe(404);
    expect((await probe()).status).toBe(200);

    const revoked = await owner.submit(later, {}, `/developers/tokens/${tokenId}/revoke`);
    expect(revoked.status).toBe(303);
    expect((await probe()).status).toBe(401);
    expect(visibleText(await (await owner.get('/developers?revoked=token')).text())).toContain(
      'The token was revoked.',
    );
  });

  it('refuses a token without a name or scopes, or with a sign-in scope (400)', async () => {
    const form = await (await owner.get('/developers/tokens/new')).text();
    const cases: Array<[Record<string, string | string[]>, string]> = [
      [{ name: 'x', expires_in: '30d' }, 'Choose at least one scope.'],
      [{ name: '', scopes: ['read:bookings'], expires_in: '30d' }, 'Give the token a name'],
      [{ name: 'x', scopes: ['openid'], expires_in: '30d' }, 'Choose among the API scopes listed.'],
      [{ name: 'x', scopes: ['read:bookings'], expires_in: 'forever' }, 'Choose when the token expires.'],
    ];
    for (const [fields, message] of cases) {
      const refused = await owner.submit(form, fields, '/developers/tokens');
      expect(refused.status, message).toBe(400);
      expect(visibleText(await refused.text())).toContain(message);
    }
  });

  it('answers malformed forms with a 400 page, never a 500', async () => {
    const csrf = csrfIn(await (await owner.get('/developers/apps/new')).text());
    const tooLong = await owner.post('/developers/apps', { csrf, ...APP, name: 'x'.repeat(5000) });
    expect(tooLong.status).toBe(400);
    expect(tooLong.headers.get('content-type')).toMatch(/^text\/html/);
    const tooMany = await owner.post('/developers/tokens', {
      csrf,
      name: 'x',
      scopes: Array.from({ length: 200 }, () => 'read:bookings'),
      expires_in: '30d',
    });
    expect(tooMany.status).toBe(400);
  });
});
