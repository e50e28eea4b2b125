import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { visibleText } from './support/signed-in.ts';

describe('"Try it out" (/try)', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail());
  });
  afterAll(() => close());

  /** Opens /try and follows "Sign in with Consentry" through sign-in to the consent page. */
  async function startFlow(agent: PageAgent, email: string): Promise<{ start: string; consent: Response }> {
    const start = await agent.get('/try');
    expect(start.status).toBe(200);
    const page = await start.text();
    const authorize = /<a class="button" href="([^"]+)">Sign in with Consentry<\/a>/
      .exec(page)![1]!
      .replaceAll('&amp;', '&');
    let response = await agent.get(authorize);
    if (response.headers.get('location')?.startsWith('/signin'))
      response = await signInThroughPages(agent, smtp, email, response);
    const { response: consent } = await agent.follow(response);
    return { start: page, consent };
  }

  it('registers itself once as a public client with a PKCE request and an HttpOnly flow cookie', async () => {
    const agent = new PageAgent(server.url);
    const response = await agent.get('/try');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('consentry_try='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/try/i);
    const page = await response.text();
    const authorize = new URL(/href="([^"]+)">Sign in with Consentry/.exec(page)![1]!.replaceAll('&amp;', '&'));
    expect(authorize.origin + authorize.pathname).toBe(`${server.url}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'cl_try_it_out',
      redirect_uri: `${server.url}/try/callback`,
      code_challenge_method: 'S256',
    });
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('scope')).toContain('openid');
    const client = await server.oauth.clients.findById('cl_try_it_out');
    expect(client).toMatchObject({ type: 'public', redirectUris: [`${server.url}/try/callback`], ownerUserId: null });
    await agent.get('/try');
    expect((await server.oauth.clients.list()).filter((c) => c.id === 'cl_try_it_out')).toHaveLength(1);
  });

  it('walks through code → tokens → UserInfo → an API, showing each exchange with tokens masked', async () => {
    const agent = new PageAgent(server.url);
    const { consent } = await startFlow(agent, 'newcomer@example.com');
    expect(consent.status).toBe(200);
    const approved = await agent.submit(await consent.text(), { decision: 'approve' }, '/oauth/interaction/');
    expect(approved.status).toBe(303);
    const callback = approved.headers.get('location')!;
    expect(callback.startsWith(`${server.url}/try/callback?`)).toBe(true);

    const result = await agent.get(callback);
    expect(result.status).toBe(200);
    const page = await result.text();
    const text = visibleText(page);
    expect(text).toContain('The app is connected');
    expect(text).toContain('state matches the one this browser sent');
    expect(text).toContain(`iss is ${server.url}`);
    expect(text).toContain('POST /oauth/token HTTP/1.1');
    expect(text).toContain('grant_type=authorization_code');
    expect(text).toContain('HTTP/1.1 200 OK');
    expect(text).toContain('GET /oauth/userinfo HTTP/1.1');
    expect(text).toContain('"email": "newcomer@example.com"');
    expect(text).toMatch(/The app calls the Consentry \w+ API/);
    // Masked: a token's start and end are shown, never the whole of it.
    const code = new URL(callback).searchParams.get('code')!;
    expect(page).not.toContain(code);
    expect(text).toMatch(/"access_token": "eyJ[\w-]{7}…[\w-]{4}"/);
    expect(page).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
    expect(page).not.toMatch(/rt_[\w.-]{20,}/);

    // The code came back once: the flow cookie is gone.
    const replay = await agent.get(callback);
    expect(replay.status).toBe(400);
    expect(visibleText(await replay.text())).toContain('no sign-in in progress');
  });

  it('shows what an app gets when the person denies', async () => {
    const agent = new PageAgent(server.url);
    const { consent } = await startFlow(agent, 'denier@example.com');
    const denied = await agent.submit(await consent.text(), { decision: 'deny' }, '/oauth/interaction/');
    const result = await agent.get(denied.headers.get('location')!);
    expect(result.status).toBe(200);
    const text = visibleText(await result.text());
    expect(text).toContain('The app was not let in');
    expect(text).toContain('error=access_denied');
    expect(text).not.toContain('POST /oauth/token');
  });

  it('ignores an answer whose state is not this browser’s', async () => {
    const agent = new PageAgent(server.url);
    await agent.get('/try');
    const forged = await agent.get(
      `/try/callback?code=ac_planted&state=someone-elses&iss=${encodeURIComponent(server.url)}`,
    );
    expect(forged.status).toBe(400);
    expect(visibleText(await forged.text())).toContain('does not match');
  });
});

describe('"Try it out" availability', () => {
  it('is off in production unless TRY_APP=true', async () => {
    // Production needs an https issuer; the servers themselves listen on plain http locally.
    const production = { NODE_ENV: 'production', ISSUER: 'https://consentry.example', SMTP_URL: 'smtp://127.0.0.1:9' };
    const off = await startTestServer({ env: production });
    const on = await startTestServer({ env: { ...production, TRY_APP: 'true' } });
    try {
      expect((await fetch(`http://127.0.0.1:${off.config.PORT}/try`)).status).toBe(404);
      expect(await off.oauth.clients.findById('cl_try_it_out')).toBeUndefined();
      expect((await fetch(`http://127.0.0.1:${on.config.PORT}/try`)).status).toBe(200);
    } finally {
      await Promise.all([off.close(), on.close()]);
    }
  });

  it('moves to 127.0.0.1 when the issuer is plain-http localhost (http redirect URIs need a loopback IP)', async () => {
    const server = await startTestServer({ env: { ISSUER: 'http://localhost:39917' } });
    try {
      // The server listens on 127.0.0.1:<PORT>; the issuer names a port nobody listens on.
      const page = await (await fetch(`http://127.0.0.1:${server.config.PORT}/try`)).text();
      expect(page).toContain('href="http://127.0.0.1:39917/try"');
      expect(await server.oauth.clients.findById('cl_try_it_out')).toMatchObject({
        redirectUris: ['http://127.0.0.1:39917/try/callback'],
      });
    } finally {
      await server.close();
    }
  });
});
