import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair, signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startTwilioCapture, type TwilioCapture } from '../helpers/twilio.ts';
import { buildAccountsApp, type AccountsTestApp } from '../accounts/support/accounts-app.ts';
import { requestCode } from '../accounts/support/flows.ts';
import { InjectBrowser } from '../accounts/support/inject-browser.ts';

describe('review #14: the DCR response echoes metadata that was not registered', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(() => server.close());

  it('answers (and later reads back) only the registered metadata', async () => {
    const sent = {
      client_name: 'Echo',
      redirect_uris: ['https://echo.example/cb'],
      contacts: ['ops@echo.example'],
      allow_plain_pkce: true,
      access_token_ttl: 5,
      refresh_token_ttl: 99_999_999,
      owner_user_id: 'someone',
      verified: true,
    };
    const response = await fetch(`${server.url}/oauth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sent),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as Record<string, unknown>;
    for (const field of ['allow_plain_pkce', 'access_token_ttl', 'refresh_token_ttl', 'owner_user_id', 'verified'])
      expect(body).not.toHaveProperty(field);
    expect(body).toMatchObject({
      client_name: 'Echo',
      redirect_uris: ['https://echo.example/cb'],
      contacts: ['ops@echo.example'],
    });
    const read = await fetch(`${server.url}/oauth/register/${body.client_id as string}`, {
      headers: { authorization: `Bearer ${body.registration_access_token as string}` },
    });
    const again = (await read.json()) as Record<string, unknown>;
    expect(again).not.toHaveProperty('allow_plain_pkce');
    expect(await server.oauth.clients.findById(body.client_id as string)).toMatchObject({
      allowPlainPkce: false,
      accessTokenTtl: null,
      verified: false,
    });
  });
});

describe('review #14: /metrics is public in production', () => {
  const production = {
    NODE_ENV: 'production',
    ISSUER: 'https://auth.example.com',
    SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
    SMTP_URL: 'smtp://127.0.0.1:9',
  };

  it('needs METRICS_TOKEN as a Bearer token, is not served in production without one, and stays open in development', async () => {
    const guarded = await startTestServer({ env: { ...production, METRICS_TOKEN: 'scrape-me-please' } });
    const closed = await startTestServer({ env: production });
    const dev = await startTestServer();
    try {
      const at = (s: TestServer) => `http://127.0.0.1:${s.config.PORT}/metrics`;
      const anonymous = await fetch(at(guarded));
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(at(guarded), { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const scraped = await fetch(at(guarded), { headers: { authorization: 'Bearer scrape-me-please' } });
      expect(scraped.status).toBe(200);
      expect(await scraped.text()).toContain('http_request_duration_seconds');
      expect((await fetch(at(closed))).status).toBe(404);
      expect((await fetch(at(dev))).status).toBe(200);
    } finally {
      await Promise.all([guarded.close(), closed.close(), dev.close()]);
    }
  });
});

describe.each(testDialects())('review #14: SMS sign-in has no global cap (%s)', (dialect) => {
  let twilio: TwilioCapture;
  let t: AccountsTestApp;

  beforeAll(async () => {
    twilio = await startTwilioCapture();
    t = await buildAccountsApp({
      dialect,
      env: {
        SMS_MAX_PER_HOUR: '2',
        TWILIO_API_URL: twilio.url,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: twilio.from,
      },
    });
  });
  afterAll(async () => {
    await t.close();
    await twilio.close();
  });

  it("pauses SMS sign-in for everyone once the hour's budget is spent, counted in the database", async () => {
    await requestCode(new InjectBrowser(t.app), '+44 7911 000001');
    await requestCode(new InjectBrowser(t.app), '+44 7911 000002');
    await twilio.waitForCode('+447911000002');
    const browser = new InjectBrowser(t.app);
    const signin = await browser.get('/signin');
    const refused = await browser.submit(signin.body, '/signin', { identifier: '+44 7911 000003' });
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body).toContain('Signing in by text message is paused');
    expect(
      await t.db.selectFrom('otp_challenges').select('id').where('destination', '=', '+447911000003').execute(),
    ).toEqual([]);

    t.clock.advance(60 * 60_000 + 1);
    await requestCode(new InjectBrowser(t.app), '+44 7911 000003');
  });
});

describe('review #14: apps made by self-signed-up people show no "unverified app" notice', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  beforeAll(async () => ({ server, smtp, close } = await startServerWithMail()));
  afterAll(() => close());

  async function consentPage(agent: PageAgent, clientId: string, redirectUri: string): Promise<string> {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: redirectUri,
      scope: 'openid',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    let response = await agent.get(`/oauth/authorize?${query.toString()}`);
    if (response.headers.get('location')!.startsWith('/signin'))
      response = await signInThroughPages(agent, smtp, 'viewer@example.com', response);
    return (await agent.get(response.headers.get('location')!)).text();
  }

  it('shows the notice for a /developers app and not for one an operator verified', async () => {
    // As /developers makes it (the console's form goes through the same service, unverified).
    const selfMade = await createTestClient(server, {
      name: 'Self Made',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid'],
      registeredVia: 'console',
    });
    const vouched = await createTestClient(server, {
      name: 'Vouched',
      type: 'public',
      redirectUris: ['http://127.0.0.1/cb'],
      allowedScopes: ['openid'],
      registeredVia: 'cli',
      verified: true,
    });
    const agent = new PageAgent(server.url);
    const unverified = await consentPage(agent, selfMade.id, selfMade.redirectUri);
    expect(unverified).toContain('Unverified app.');
    expect(unverified).toContain('This app was made by a Consentry user.');
    expect(await consentPage(agent, vouched.id, vouched.redirectUri)).not.toContain('Unverified app');

    await server.oauth.clientService.setVerified(selfMade.id, true);
    expect(await consentPage(agent, selfMade.id, selfMade.redirectUri)).not.toContain('Unverified app');
  });

  it('the CLI creates verified clients (unless --unverified) and verifies others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'consentry-verify-'));
    const env = {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `sqlite:${join(dir, 'cli.db')}`,
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
    };
    const bin = fileURLToPath(new URL('../../bin/consentry.js', import.meta.url));
    const cli = async (...args: string[]) =>
      (await promisify(execFile)(process.execPath, [bin, ...args], { env })).stdout;
    const made = JSON.parse(
      await cli(
        'clients',
        'create',
        '--name',
        'Ops app',
        '--public',
        '--redirect-uri',
        'http://127.0.0.1/cb',
        '--json',
      ),
    ) as { client_id: string };
    const other = JSON.parse(
      await cli(
        'clients',
        'create',
        '--name',
        'Later',
        '--public',
        '--unverified',
        '--redirect-uri',
        'http://127.0.0.1/cb',
        '--json',
      ),
    ) as { client_id: string };
    expect(made).toMatchObject({ verified: true });
    expect(other).toMatchObject({ verified: false });
    expect(await cli('clients', 'verify', other.client_id)).toContain('is now verified');
    const listed = JSON.parse(await cli('clients', 'list', '--json')) as Array<{
      client_id: string;
      verified: boolean;
    }>;
    expect(listed.every((c) => c.verified)).toBe(true);
  }, 60_000);
});
