import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { basicAuth, createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import {
  decideOnDevicePage,
  DEVICE_GRANT,
  enterUserCode,
  openDevicePage,
  USER_CODE_FORMAT,
} from '../helpers/device-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const insecure = { [oauth.allowInsecureRequests]: true };

type Poll = { tokens: oauth.TokenEndpointResponse } | { error: string; status: number };

/**
 * The device authorization grant (RFC 8628) driven by oauth4webapi, a strict client nobody here
 * wrote, against the real server; the person's part goes through the real /device pages.
 */
describe.each(testDialects())('device authorization grant (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;
  let as: oauth.AuthorizationServer;
  const client = () => ({ client_id: registered.id }) satisfies oauth.Client;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      dialect,
      env: { DEVICE_CODE_ENTRY_RATE_LIMIT_PER_MINUTE: '1000' },
    }));
    registered = await createTestClient(server, {
      name: 'Terminal Tool',
      type: 'public',
      redirectUris: [],
      grantTypes: [DEVICE_GRANT, 'refresh_token'],
      allowedScopes: ['openid', 'email', 'offline_access', 'read:bookings'],
      defaultScopes: ['read:bookings'],
    });
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, insecure));
  });
  afterAll(() => close());

  const start = async (parameters: Record<string, string> = { scope: 'openid email offline_access read:bookings' }) =>
    oauth.processDeviceAuthorizationResponse(
      as,
      client(),
      await oauth.deviceAuthorizationRequest(as, client(), oauth.None(), parameters, insecure),
    );

  async function poll(deviceCode: string): Promise<Poll> {
    const response = await oauth.deviceCodeGrantRequest(as, client(), oauth.None(), deviceCode, insecure);
    expect(response.headers.get('cache-control')).toBe('no-store');
    try {
      return { tokens: await oauth.processDeviceCodeResponse(as, client(), response) };
    } catch (error) {
      if (error instanceof oauth.ResponseBodyError) return { error: error.error, status: error.status };
      throw error;
    }
  }

  it('advertises the device authorization endpoint and the grant type', () => {
    expect(as.device_authorization_endpoint).toBe(`${server.url}/oauth/device_authorization`);
    expect(as.grant_types_supported).toContain(DEVICE_GRANT);
  });

  it('signs a device in: pending, slow_down (+5 s each time), the person approves on /device, tokens once', async () => {
    const device = await start();
    expect(device.user_code).toMatch(USER_CODE_FORMAT);
    expect(device.verification_uri).toBe(`${server.url}/device`);
    expect(device.verification_uri_complete).toBe(`${server.url}/device?user_code=${device.user_code}`);
    expect(device.expires_in).toBe(600);
    expect(device.interval).toBe(5);

    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending', status: 400 });
    expect(await poll(device.device_code)).toEqual({ error: 'slow_down', status: 400 }); // at once: interval now 10 s
    server.clock.advance(6_000);
    expect(await poll(device.device_code)).toEqual({ error: 'slow_down', status: 400 }); // 6 s < 10 s: now 15 s
    server.clock.advance(15_000);
    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending', status: 400 });

    const agent = new PageAgent(server.url);
    // Typed as people type it: lower case, no dash.
    const typed = device.user_code.replace('-', '').toLowerCase();
    const consent = await decideOnDevicePage(server, agent, smtp, { email: 'dev@example.com', userCode: typed });
    expect(consent).toContain('Terminal Tool wants to use your account');
    expect(consent).toContain('See your bookings');
    expect(consent).toContain(device.user_code); // the person compares it with the device's
    expect(consent).toContain('go back to your device');
    const done = await agent.get('/device/approved');
    expect(await done.text()).toContain('Device connected');

    // Approved: the next poll gets the tokens, whatever the interval.
    const result = await poll(device.device_code);
    if (!('tokens' in result)) throw new Error(`expected tokens, got ${result.error}`);
    const { tokens } = result;
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.scope).toBe('openid email offline_access read:bookings');
    expect(tokens.refresh_token).toMatch(/^rt_/);
    const claims = oauth.getValidatedIdTokenClaims(tokens)!;
    expect(claims.iss).toBe(server.url);
    expect(claims.aud).toBe(registered.id);
    expect(claims.auth_time).toBeTypeOf('number');

    const userinfo = await fetch(`${server.url}/oauth/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(((await userinfo.json()) as { email: string }).email).toBe('dev@example.com');

    // Single use: a replay is refused, and the tokens issued stay good.
    expect(await poll(device.device_code)).toEqual({ error: 'invalid_grant', status: 400 });
    expect(
      (await fetch(`${server.url}/oauth/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }))
        .status,
    ).toBe(200);

    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client(),
      await oauth.refreshTokenGrantRequest(as, client(), oauth.None(), tokens.refresh_token!, insecure),
    );
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

    // The approval is a grant like any other: it shows among the person's connected apps.
    const account = await (await agent.get('/account')).text();
    expect(account).toContain('Terminal Tool');
    expect(account).toContain('Revoke access for Terminal Tool');

    // The code is spent on the page too.
    const again = await enterUserCode(
      agent,
      await openDevicePage(server, agent, smtp, 'dev@example.com'),
      device.user_code,
    );
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('That code was already used');
  });

  it('answers access_denied once the person denies, and the denial is final', async () => {
    const device = await start({ scope: 'read:bookings' });
    const agent = new PageAgent(server.url);
    await decideOnDevicePage(server, agent, smtp, {
      email: 'no@example.com',
      userCode: device.user_code,
      decision: 'deny',
    });
    expect(await (await agent.get('/device/denied')).text()).toContain('Request denied');
    expect(await poll(device.device_code)).toEqual({ error: 'access_denied', status: 400 });
    expect(await poll(device.device_code)).toEqual({ error: 'access_denied', status: 400 });
    const account = await (await agent.get('/account')).text();
    expect(account).not.toContain('Terminal Tool');
  });

  it('expires: expired_token for the device, a clear page for the person', async () => {
    const device = await start();
    const agent = new PageAgent(server.url);
    const codePage = await openDevicePage(server, agent, smtp, 'late@example.com');
    server.clock.advance(601_000);
    try {
      expect(await poll(device.device_code)).toEqual({ error: 'expired_token', status: 400 });
      const entered = await enterUserCode(agent, codePage, device.user_code);
      expect(entered.status).toBe(400);
      expect(await entered.text()).toContain('That code has expired');
      // The janitor drops it; a late poll then finds nothing at all.
      const purged = await server.oauth.purger(server.kernel.database.db, server.clock.now(), 1000);
      expect(purged.device_authorizations).toBeGreaterThanOrEqual(1);
      expect(await poll(device.device_code)).toEqual({ error: 'invalid_grant', status: 400 });
    } finally {
      server.clock.advance(-601_000);
    }
  });

  it('explains wrong and malformed codes on the page, keeping what was typed', async () => {
    await start(); // a live request exists: a wrong code still finds nothing
    const agent = new PageAgent(server.url);
    const codePage = await openDevicePage(server, agent, smtp, 'typo@example.com');
    const unknown = await enterUserCode(agent, codePage, 'BCDF-GHJK');
    expect(unknown.status).toBe(400);
    const unknownHtml = await unknown.text();
    expect(unknownHtml).toContain('No device is waiting with that code');
    expect(unknownHtml).toContain('value="BCDF-GHJK"');
    expect(unknownHtml).toContain('aria-invalid="true"');
    for (const typed of ['ABCD-EFGH', 'BCDF', 'BCDF-GHJK-L', '<script>']) {
      const malformed = await enterUserCode(agent, codePage, typed);
      expect(malformed.status).toBe(400);
      const body = await malformed.text();
      expect(body).toContain('A code is 8 letters');
      expect(body).not.toContain('<script>');
    }
  });

  it('sends a signed-out person through sign-in and back to the code from verification_uri_complete', async () => {
    const device = await start();
    const agent = new PageAgent(server.url);
    const first = await agent.get(`/device?user_code=${device.user_code}`);
    expect(first.status).toBe(303);
    const signin = new URL(first.headers.get('location')!, server.url);
    expect(signin.pathname).toBe('/signin');
    expect(signin.searchParams.get('return_to')).toBe(`/device?user_code=${device.user_code}`);
    const page = await openDevicePage(
      server,
      agent,
      smtp,
      'linked@example.com',
      `/device?user_code=${device.user_code}`,
    );
    // Pre-filled, but nothing happens until the person confirms it is their device's code.
    expect(page).toContain(`value="${device.user_code}"`);
    expect(await poll(device.device_code)).toEqual({ error: 'authorization_pending', status: 400 });
    const consent = await enterUserCode(agent, page, device.user_code);
    expect(consent.status).toBe(200);
  });

  it('refuses forged forms and decisions on a spent request', async () => {
    const device = await start();
    const agent = new PageAgent(server.url);
    const codePage = await openDevicePage(server, agent, smtp, 'forms@example.com');
    const forged = await agent.post('/device', { csrf: 'forged', user_code: device.user_code });
    expect(forged.status).toBe(403);
    const consent = await (await enterUserCode(agent, codePage, device.user_code)).text();
    expect((await agent.submit(consent, { decision: 'maybe' }, '/device/consent')).status).toBe(400);
    expect((await agent.submit(consent, { decision: 'approve' }, '/device/consent')).status).toBe(303);
    // A second tab's decision comes too late.
    const late = await agent.submit(consent, { decision: 'deny' }, '/device/consent');
    expect(late.status).toBe(400);
    expect(await late.text()).toContain('This code was already used');
    expect('tokens' in (await poll(device.device_code))).toBe(true);
  });

  it('gives racing polls of one approval exactly one token response', async () => {
    const device = await start();
    await decideOnDevicePage(server, new PageAgent(server.url), smtp, {
      email: 'race@example.com',
      userCode: device.user_code,
    });
    const form = { grant_type: DEVICE_GRANT, device_code: device.device_code, client_id: registered.id };
    const answers = await Promise.all(Array.from({ length: 6 }, () => postForm(server, '/oauth/token', form)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 400, 400, 400, 400, 400]);
    for (const answer of answers.filter((a) => a.status === 400)) expect(answer.json.error).toBe('invalid_grant');
  });

  it('denies an approval not yet collected when the person revokes the app', async () => {
    const device = await start({ scope: 'read:bookings' });
    const agent = new PageAgent(server.url);
    await decideOnDevicePage(server, agent, smtp, { email: 'revoke@example.com', userCode: device.user_code });
    const account = await (await agent.get('/account')).text();
    const revoked = await agent.submit(account, {}, '/revoke');
    expect(revoked.status).toBe(303);
    expect(await poll(device.device_code)).toEqual({ error: 'access_denied', status: 400 });
  });

  it('refuses what the authorization endpoint refuses, and clients without the grant type', async () => {
    const bad = (form: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
      postForm(server, '/oauth/device_authorization', form, headers);
    expect((await bad({ client_id: registered.id, scope: 'read:assets' })).json.error).toBe('invalid_scope');
    expect((await bad({ client_id: registered.id, scope: 'nonsense' })).json.error).toBe('invalid_scope');
    expect(
      (await bad({ client_id: registered.id, scope: 'read:bookings', resource: 'https://elsewhere.example/' })).json
        .error,
    ).toBe('invalid_target');
    expect((await bad({ client_id: 'cl_nobody' })).status).toBe(401);
    expect((await bad({})).json.error).toBe('invalid_client');

    // The code flow's client may not use the device flow, neither to start nor to poll.
    const webApp = await createTestClient(server, { type: 'public', redirectUris: ['http://127.0.0.1/cb'] });
    const refused = await bad({ client_id: webApp.id });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('unauthorized_client');
    const device = await start();
    const stolen = await postForm(server, '/oauth/token', {
      grant_type: DEVICE_GRANT,
      device_code: device.device_code,
      client_id: webApp.id,
    });
    expect(stolen.json.error).toBe('unauthorized_client');
    // Another device-flow client cannot poll this client's device code.
    const other = await createTestClient(server, { type: 'public', redirectUris: [], grantTypes: [DEVICE_GRANT] });
    const foreign = await postForm(server, '/oauth/token', {
      grant_type: DEVICE_GRANT,
      device_code: device.device_code,
      client_id: other.id,
    });
    expect(foreign.json.error).toBe('invalid_grant');
    const missing = await postForm(server, '/oauth/token', { grant_type: DEVICE_GRANT, client_id: registered.id });
    expect(missing.json.error).toBe('invalid_request');
  });

  it('authenticates confidential clients as the token endpoint does; DCR registers device clients', async () => {
    const confidential = await createTestClient(server, {
      redirectUris: [],
      grantTypes: [DEVICE_GRANT],
      allowedScopes: ['read:bookings'],
    });
    const form = { scope: 'read:bookings' };
    const wrong = await postForm(server, '/oauth/device_authorization', form, {
      authorization: basicAuth(confidential.id, 'cs_wrong'),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    expect(
      (await postForm(server, '/oauth/device_authorization', { ...form, client_id: confidential.id })).status,
    ).toBe(401);
    const ok = await postForm(server, '/oauth/device_authorization', form, {
      authorization: basicAuth(confidential.id, confidential.secret!),
    });
    expect(ok.status).toBe(200);
    expect(ok.json.user_code).toMatch(USER_CODE_FORMAT);

    const registration = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_name: 'Agent',
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        token_endpoint_auth_method: 'none',
        scope: 'openid read:bookings',
      }),
    });
    expect(registration.status).toBe(201);
    const agentClient = (await registration.json()) as {
      client_id: string;
      grant_types: string[];
      response_types: string[];
    };
    expect(agentClient.grant_types).toEqual([DEVICE_GRANT, 'refresh_token']);
    expect(agentClient.response_types).toEqual([]);
    const started = await postForm(server, '/oauth/device_authorization', {
      client_id: agentClient.client_id,
      scope: 'openid read:bookings',
    });
    expect(started.status).toBe(200);
  });
});

describe('device flow: guessing user codes', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ env: { DEVICE_CODE_ENTRY_RATE_LIMIT_PER_MINUTE: '3' } }));
  });
  afterAll(() => close());

  it('limits the codes one address may enter per minute (a 429 page)', async () => {
    const agent = new PageAgent(server.url);
    const codePage = await openDevicePage(server, agent, smtp, 'guess@example.com');
    for (const guess of ['BCDF-GHJK', 'BCDF-GHJL', 'BCDF-GHJM'])
      expect((await enterUserCode(agent, codePage, guess)).status).toBe(400);
    const limited = await enterUserCode(agent, codePage, 'BCDF-GHJN');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await limited.text()).toContain('Too many requests');
  });
});
