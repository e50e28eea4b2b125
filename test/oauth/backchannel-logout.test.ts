import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent } from '../helpers/browser.ts';
import { createTestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { discover, isSignedIn, signInToApp, signOutOnAccountPage, startLogoutReceiver } from '../helpers/logout.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';

const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/**
 * OIDC Back-Channel Logout 1.0: apps that authenticated the person in a session receive a signed
 * logout token at their registered URI (a receiver on 127.0.0.1) when that session ends; the
 * token is checked with jose against the server's JWKS.
 */
describe.each(testDialects())('back-channel logout (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let receiver: Awaited<ReturnType<typeof startLogoutReceiver>>;
  let jwks: ReturnType<typeof createRemoteJWKSet>;
  let people = 0;
  const nextEmail = () => `backchannel-${++people}@example.com`;

  const app = async (name: string, path: string) => {
    const registered = await createTestClient(server, {
      name,
      redirectUris: [`https://${name.toLowerCase()}.example/cb`],
      allowedScopes: ['openid', 'email'],
      backchannelLogoutUri: receiver.url(path),
      backchannelLogoutSessionRequired: true,
    });
    return { registered, config: await discover(server, registered) };
  };

  const verifyLogoutToken = async (token: string, audience: string) => {
    expect(decodeProtectedHeader(token).typ).toBe('logout+jwt');
    const { payload } = await jwtVerify(token, jwks, {
      issuer: server.url,
      audience,
      typ: 'logout+jwt',
      algorithms: ['ES256'],
      currentDate: new Date(server.clock.now()),
    });
    expect(payload.events).toEqual({ [EVENT]: {} });
    expect(payload).not.toHaveProperty('nonce');
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(120);
    return payload;
  };

  beforeAll(async () => {
    receiver = await startLogoutReceiver({ '/flaky': [503, 502] });
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    jwks = createRemoteJWKSet(new URL(`${server.url}/oauth/jwks`));
  });
  afterAll(async () => {
    await close();
    await receiver.close();
  });

  it('tells both apps of a session on /signout, and not an app of another session', async () => {
    const alpha = await app('Alpha', '/alpha');
    const beta = await app('Beta', '/beta');
    const gamma = await app('Gamma', '/gamma');
    const agent = new PageAgent(server.url);
    const email = nextEmail();
    const a = await signInToApp(server, agent, smtp, alpha.config, alpha.registered, email);
    const b = await signInToApp(server, agent, smtp, beta.config, beta.registered, email);
    expect(a.claims.sid).toBe(b.claims.sid); // one session, one sid
    // The same person in another browser: a different session, with Gamma.
    const elsewhere = new PageAgent(server.url);
    const g = await signInToApp(server, elsewhere, smtp, gamma.config, gamma.registered, email);
    expect(g.claims.sid).not.toBe(a.claims.sid);

    const signedOut = await signOutOnAccountPage(agent);
    expect(signedOut.status).toBe(303);
    expect(await isSignedIn(agent)).toBe(false);

    const [toAlpha] = await receiver.waitFor('/alpha', 1);
    const [toBeta] = await receiver.waitFor('/beta', 1);
    await server.kernel.jobs.drain();
    expect(toAlpha!.contentType).toBe('application/x-www-form-urlencoded');
    const alphaClaims = await verifyLogoutToken(toAlpha!.logoutToken!, alpha.registered.id);
    expect(alphaClaims.sid).toBe(a.claims.sid);
    expect(alphaClaims.sub).toBe(a.claims.sub);
    const betaClaims = await verifyLogoutToken(toBeta!.logoutToken!, beta.registered.id);
    expect(betaClaims.sid).toBe(b.claims.sid);
    expect(alphaClaims.jti).not.toBe(betaClaims.jti);
    // Gamma's session is untouched: no token, and that browser is still signed in.
    expect(receiver.at('/gamma')).toHaveLength(0);
    expect(await isSignedIn(elsewhere)).toBe(true);
    expect(receiver.at('/alpha')).toHaveLength(1);
  });

  it('retries a failing receiver with backoff until it answers 2xx', async () => {
    const flaky = await app('Flaky', '/flaky');
    const agent = new PageAgent(server.url);
    const { tokens, claims } = await signInToApp(server, agent, smtp, flaky.config, flaky.registered, nextEmail());
    const ended = await agent.get(`/oauth/end_session?${new URLSearchParams({ id_token_hint: tokens.id_token! })}`);
    expect(ended.status).toBe(200);

    await receiver.waitFor('/flaky', 1); // 503
    server.clock.advance(2_000); // first backoff
    await server.kernel.jobs.drain();
    await receiver.waitFor('/flaky', 2); // 502
    server.clock.advance(4_000); // doubled
    await server.kernel.jobs.drain();
    const attempts = await receiver.waitFor('/flaky', 3); // 200
    await server.kernel.jobs.drain();
    expect(attempts).toHaveLength(3);
    const tokensSent = attempts.map((attempt) => attempt.logoutToken!);
    expect(new Set(tokensSent).size).toBe(3); // a fresh token each attempt
    const last = await verifyLogoutToken(tokensSent[2]!, flaky.registered.id);
    expect(last.sid).toBe(claims.sid);

    // Delivered: nothing further is sent however long we wait.
    server.clock.advance(600_000);
    await server.kernel.jobs.drain();
    expect(receiver.at('/flaky')).toHaveLength(3);
  });

  it('tells the apps of a session ended from /account ("sign out" of one session)', async () => {
    const delta = await app('Delta', '/delta');
    const email = nextEmail();
    const laptop = new PageAgent(server.url);
    const { claims } = await signInToApp(server, laptop, smtp, delta.config, delta.registered, email);
    const phone = new PageAgent(server.url);
    await signInToApp(server, phone, smtp, delta.config, delta.registered, email);

    // From the phone, the person signs out every other session (the laptop's).
    const account = await phone.get('/account');
    const done = await phone.submit(await account.text(), {}, '/account/sessions/signout-others');
    expect(done.status).toBe(303);
    const [sent] = await receiver.waitFor('/delta', 1);
    await server.kernel.jobs.drain();
    expect((await verifyLogoutToken(sent!.logoutToken!, delta.registered.id)).sid).toBe(claims.sid);
    expect(receiver.at('/delta')).toHaveLength(1);
    expect(await isSignedIn(laptop)).toBe(false);
    expect(await isSignedIn(phone)).toBe(true);
  });

  it('registers logout metadata through DCR and refuses unsafe back-channel URIs', async () => {
    const registration = (body: Record<string, unknown>) =>
      fetch(`${server.url}/oauth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_name: 'DCR app', redirect_uris: ['https://dcr.example/cb'], ...body }),
      });
    const ok = await registration({
      post_logout_redirect_uris: ['https://dcr.example/bye'],
      backchannel_logout_uri: 'https://dcr.example/backchannel',
      backchannel_logout_session_required: true,
    });
    expect(ok.status).toBe(201);
    const registered = (await ok.json()) as Record<string, unknown>;
    expect(registered.post_logout_redirect_uris).toEqual(['https://dcr.example/bye']);
    expect(registered.backchannel_logout_uri).toBe('https://dcr.example/backchannel');
    expect(registered.backchannel_logout_session_required).toBe(true);
    const stored = await server.oauth.clients.findById(registered.client_id as string);
    expect(stored?.postLogoutRedirectUris).toEqual(['https://dcr.example/bye']);

    for (const body of [
      { backchannel_logout_uri: 'https://10.0.0.7/logout' },
      { backchannel_logout_uri: 'http://dcr.example/logout' },
      { backchannel_logout_uri: 'https://dcr.example/logout#frag' },
      { backchannel_logout_uri: 'not a url' },
      { backchannel_logout_session_required: 'yes' },
      { post_logout_redirect_uris: ['http://dcr.example/bye'] },
      { post_logout_redirect_uris: 'https://dcr.example/bye' },
    ]) {
      const refused = await registration(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toBe('invalid_client_metadata');
    }
  });
});
