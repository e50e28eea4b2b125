import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../../helpers/database.ts';
import { buildAccountsApp, type AccountsTestApp } from '../support/accounts-app.ts';
import { csrfTokenIn, InjectBrowser } from '../support/inject-browser.ts';
import { fakeAttestation, insertPasskey, signInByCode } from './support.ts';

/**
 * Adding and managing passkeys over HTTP: the registration options, the binding of their
 * challenge to the session, and rename / remove, each refused for anyone but the owner.
 * (A real authenticator registering: test/browser/passkeys.)
 */
describe.each(testDialects())('passkeys on /account (%s)', (dialect) => {
  let t: AccountsTestApp;
  let browser: InjectBrowser;
  let userId: string;
  let csrf: string;
  let email: string;
  let people = 0;

  beforeAll(async () => {
    t = await buildAccountsApp({ dialect, env: { OTP_RESEND_SECONDS: '0' } });
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.db.deleteFrom('passkeys').execute();
    browser = new InjectBrowser(t.app);
    email = `person${++people}@example.com`;
    userId = await signInByCode(t, browser, email);
    csrf = csrfTokenIn((await browser.get('/account')).body);
  });

  const passkeyIds = async () =>
    (await t.db.selectFrom('passkeys').select('id').where('user_id', '=', userId).execute()).map((r) => r.id);

  it('asks for a discoverable credential, user verification preferred, existing passkeys excluded', async () => {
    const existing = await insertPasskey(t.db, userId, t.clock.now());
    const response = await browser.postJson('/account/passkeys/options', { csrf });
    expect(response.statusCode, response.body).toBe(200);
    const { options } = response.json() as { options: Record<string, unknown> & { challenge: string } };
    expect(options).toMatchObject({
      rp: { id: 'localhost', name: 'Consentry' },
      user: { id: Buffer.from(userId).toString('base64url'), name: email, displayName: email },
      attestation: 'none',
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'preferred' },
      excludeCredentials: [{ id: existing, type: 'public-key', transports: ['internal', 'hybrid'] }],
    });
    const session = await t.accounts.sessions.list(userId);
    expect(
      await t.db
        .selectFrom('passkey_challenges')
        .selectAll()
        .where('challenge', '=', options.challenge)
        .executeTakeFirst(),
    ).toMatchObject({ purpose: 'register', user_id: userId, session_id: session[0]!.sessionId, flow_hash: null });
  });

  it('needs a signed-in session and the page’s CSRF token', async () => {
    const stranger = new InjectBrowser(t.app);
    const page = await stranger.get('/signin');
    const signedOut = await stranger.postJson('/account/passkeys/options', { csrf: csrfTokenIn(page.body) });
    expect(signedOut.statusCode).toBe(401);
    expect(signedOut.json()).toMatchObject({ error: 'signed_out' });
    expect((await browser.postJson('/account/passkeys/options', {})).statusCode).toBe(403);
  });

  it('binds the challenge to the session: another session’s answer, or a second answer, reads as expired', async () => {
    const { options } = (await browser.postJson('/account/passkeys/options', { csrf })).json() as {
      options: { challenge: string };
    };
    const other = new InjectBrowser(t.app);
    await signInByCode(t, other, email);
    const otherPage = await other.get('/account');
    const elsewhere = await other.post('/account/passkeys', {
      csrf: csrfTokenIn(otherPage.body),
      credential: JSON.stringify(fakeAttestation(options.challenge)),
    });
    expect(elsewhere.statusCode).toBe(400);
    expect(elsewhere.body).toContain('That passkey request has expired or was already used.');

    // Its own session's answer uses it up, noise in the attestation or not.
    const noise = await browser.post('/account/passkeys', {
      csrf,
      credential: JSON.stringify(fakeAttestation(options.challenge)),
    });
    expect(noise.statusCode).toBe(400);
    expect(noise.body).toContain('We couldn’t verify that passkey.');
    const again = await browser.post('/account/passkeys', {
      csrf,
      credential: JSON.stringify(fakeAttestation(options.challenge)),
    });
    expect(again.body).toContain('That passkey request has expired or was already used.');
    expect(await passkeyIds()).toEqual([]);
  });

  it('keeps an account to 20 passkeys', async () => {
    for (let i = 0; i < 20; i++) await insertPasskey(t.db, userId, t.clock.now(), `Key ${i}`);
    const response = await browser.postJson('/account/passkeys/options', { csrf });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({
      error: 'passkey_limit',
      message: 'You have 20 passkeys, the most one account can have. Remove one to add another.',
    });
  });

  it('renames a passkey, refusing an empty or overlong name', async () => {
    await insertPasskey(t.db, userId, t.clock.now());
    const [id] = await passkeyIds();
    const form = await browser.get(`/account/passkeys/${id}/rename`);
    expect(form.statusCode).toBe(200);
    expect(form.body).toMatch(/<input id="name" name="name"[^>]*value="Laptop"/);
    for (const name of ['   ', 'x'.repeat(101)]) {
      const refused = await browser.submit(form.body, `/account/passkeys/${id}/rename`, { name });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('A passkey name must be 1 to 100 characters long.');
      expect(refused.body).toContain('aria-invalid="true"');
    }
    const saved = await browser.submit(form.body, `/account/passkeys/${id}/rename`, { name: '  Phone   in\tcase ' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe('/account?passkey=renamed#passkeys-heading');
    expect(await t.db.selectFrom('passkeys').select('name').where('id', '=', id!).executeTakeFirst()).toEqual({
      name: 'Phone in case',
    });
  });

  it('removes a passkey after a confirmation page; another person cannot see, rename or remove it', async () => {
    await insertPasskey(t.db, userId, t.clock.now());
    const [id] = await passkeyIds();
    const intruder = new InjectBrowser(t.app);
    await signInByCode(t, intruder, `intruder${people}@example.com`);
    const intruderCsrf = csrfTokenIn((await intruder.get('/account')).body);
    expect((await intruder.get(`/account/passkeys/${id}/remove`)).statusCode).toBe(404);
    expect((await intruder.get(`/account/passkeys/${id}/rename`)).statusCode).toBe(404);
    expect((await intruder.post(`/account/passkeys/${id}/remove`, { csrf: intruderCsrf })).statusCode).toBe(404);
    const renamed = await intruder.post(`/account/passkeys/${id}/rename`, { csrf: intruderCsrf, name: 'Mine' });
    expect(renamed.statusCode).toBe(404);

    const confirm = await browser.get(`/account/passkeys/${id}/remove`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('It is your only passkey: you will sign in with a one-time code.');
    expect((await browser.post(`/account/passkeys/${id}/remove`, {})).statusCode).toBe(403);
    const removed = await browser.submit(confirm.body, `/account/passkeys/${id}/remove`);
    expect(removed.statusCode).toBe(303);
    expect(removed.headers.location).toBe('/account?passkey=removed#passkeys-heading');
    expect(await passkeyIds()).toEqual([]);
    expect(t.logs.findLast((l) => l.msg === 'passkey removed')).toMatchObject({ userId, passkeyId: id });
  });

  it('sends a signed-out browser to sign in', async () => {
    const stranger = new InjectBrowser(t.app);
    const response = await stranger.get('/account/passkeys/anything/rename');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/signin?return_to=%2Faccount');
  });
});
