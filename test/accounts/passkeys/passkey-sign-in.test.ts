import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/kernel/crypto/tokens.ts';
import { testDialects } from '../../helpers/database.ts';
import { buildAccountsApp, type AccountsTestApp } from '../support/accounts-app.ts';
import { InjectBrowser } from '../support/inject-browser.ts';
import { fakeAssertion, insertPasskey, sessionCount, signInByCode, startPasskeySignIn } from './support.ts';

const EXPIRED = 'That passkey request has expired or was already used. Try again.';
const UNKNOWN = 'This passkey isn’t registered here — it may have been removed. Sign in with a code instead.';
const NOT_VERIFIED = 'We couldn’t verify that passkey. Try again, or sign in with a code.';

/**
 * The server side of signing in with a passkey, over HTTP: what it asks of the browser, and every
 * answer it must refuse without making a session. (Answers that verify: test/browser/passkeys.)
 */
describe.each(testDialects())('signing in with a passkey, refusals (%s)', (dialect) => {
  let t: AccountsTestApp;
  let browser: InjectBrowser;
  let known: string;

  beforeAll(async () => {
    t = await buildAccountsApp({ dialect });
    const userId = await signInByCode(t, new InjectBrowser(t.app), 'owner@example.com');
    known = await insertPasskey(t.db, userId, t.clock.now());
  });
  afterAll(() => t.close());
  beforeEach(() => {
    browser = new InjectBrowser(t.app);
  });

  const challengeRow = (challenge: string) =>
    t.db.selectFrom('passkey_challenges').selectAll().where('challenge', '=', challenge).executeTakeFirst();

  async function answer(page: string, credential: unknown) {
    const sessions = await sessionCount(t.db);
    const response = await browser.submit(page, '/signin/passkey', {
      credential: typeof credential === 'string' ? credential : JSON.stringify(credential),
    });
    expect(InjectBrowser.setCookie(response, 'consentry_session')).toBeUndefined();
    expect(await sessionCount(t.db)).toBe(sessions);
    return response;
  }

  it('offers the passkey on /signin: autofill on the field, a hidden button, the script', async () => {
    const page = await browser.get('/signin');
    expect(page.body).toMatch(/<input id="identifier"[^>]*autocomplete="username webauthn"/);
    expect(page.body).toMatch(/<div class="passkey-block" data-passkeys hidden>/);
    expect(page.body).toMatch(/<form method="post" action="\/signin\/passkey" id="passkey-signin-form" data-autofill>/);
    expect(page.body).toContain('<script src="/assets/passkeys.js" defer></script>');
  });

  it('issues discoverable-credential options with a single-use challenge bound to a flow cookie', async () => {
    const { response, options } = await startPasskeySignIn(browser);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(options).toMatchObject({ rpId: 'localhost', userVerification: 'preferred' });
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(Buffer.from(options.challenge, 'base64url').length).toBeGreaterThanOrEqual(32);
    const cookie = InjectBrowser.setCookie(response, 'consentry_passkey_flow')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 300 });
    const row = await challengeRow(options.challenge);
    expect(row).toMatchObject({ purpose: 'sign-in', flow_hash: sha256(cookie.value), user_id: null, session_id: null });
    expect(row!.expires_at - row!.created_at).toBe(300_000);

    // A second tab in the same browser keeps the flow: both challenges stay answerable.
    const again = await startPasskeySignIn(browser);
    expect(InjectBrowser.setCookie(again.response, 'consentry_passkey_flow')!.value).toBe(cookie.value);
    expect(again.options.challenge).not.toBe(options.challenge);
  });

  it('refuses to start without the page’s CSRF token, in JSON the script can show', async () => {
    await browser.get('/signin');
    const before = await t.db.selectFrom('passkey_challenges').select('challenge').execute();
    const response = await browser.postJson('/signin/passkey/options', { csrf: 'forged' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'csrf', message: 'This page has expired. Reload it and try again.' });
    expect(await t.db.selectFrom('passkey_challenges').select('challenge').execute()).toEqual(before);
  });

  it('refuses an unknown passkey clearly, and uses its challenge up', async () => {
    const { page, options } = await startPasskeySignIn(browser, '/signin?return_to=%2Fdevelopers');
    const response = await answer(page, fakeAssertion('bm90LWEta25vd24tcGFzc2tleQ', options.challenge));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(`<p class="error" role="alert" id="passkey-error">${UNKNOWN}</p>`);
    // The page comes back with return_to kept, and without autofill (the message and the button come first).
    expect(response.body).toContain('<input type="hidden" name="return_to" value="/developers">');
    expect(response.body).not.toContain('data-autofill');
    expect(await challengeRow(options.challenge)).toBeUndefined();
    expect(t.logs.findLast((l) => l.msg === 'passkey refused')).toMatchObject({ code: 'passkey_unknown' });
  });

  it('refuses answers it cannot read, without touching any challenge', async () => {
    const { page, options } = await startPasskeySignIn(browser);
    for (const credential of [
      'not json',
      { ...fakeAssertion(known, options.challenge), type: 'password' },
      { ...fakeAssertion(known, options.challenge), id: 'has spaces' },
      { id: known },
    ]) {
      const response = await answer(page, credential);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('Your browser sent a passkey answer we couldn’t read.');
    }
    expect(await challengeRow(options.challenge)).toBeDefined();
  });

  it('refuses an answer without the flow cookie, or to another browser’s challenge, which stays usable there', async () => {
    const issued = await startPasskeySignIn(browser);
    const other = new InjectBrowser(t.app);
    const { page } = await startPasskeySignIn(other);
    const stolen = await other.submit(page, '/signin/passkey', {
      credential: JSON.stringify(fakeAssertion(known, issued.options.challenge)),
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.body).toContain(EXPIRED);
    expect(await challengeRow(issued.options.challenge)).toBeDefined();

    other.cookies.delete('consentry_passkey_flow');
    const cookieless = await other.submit(page, '/signin/passkey', {
      credential: JSON.stringify(fakeAssertion(known, issued.options.challenge)),
    });
    expect(cookieless.statusCode).toBe(400);
    expect(cookieless.body).toContain(EXPIRED);
  });

  it('refuses an answer made for another origin, using the challenge up: a replay reads as expired', async () => {
    const { page, options } = await startPasskeySignIn(browser);
    const phished = fakeAssertion(known, options.challenge, 'https://consentry-login.example');
    const first = await answer(page, phished);
    expect(first.statusCode).toBe(400);
    expect(first.body).toContain(NOT_VERIFIED);
    const refusal = t.logs.findLast((l) => l.msg === 'passkey refused')!;
    expect(refusal).toMatchObject({ code: 'passkey_not_verified', reason: 'assertion_invalid' });
    expect(refusal.detail).toContain('origin');
    expect(JSON.stringify(refusal)).not.toContain(known);

    const replay = await answer(page, phished);
    expect(replay.statusCode).toBe(400);
    expect(replay.body).toContain(EXPIRED);
  });

  it('refuses an answer once the challenge is five minutes old', async () => {
    const { page, options } = await startPasskeySignIn(browser);
    t.clock.advance(300_000);
    const response = await answer(page, fakeAssertion(known, options.challenge));
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain(EXPIRED);
  });

  it('refuses a forged form (no CSRF token) before reading the answer', async () => {
    const { options } = await startPasskeySignIn(browser);
    const response = await browser.post('/signin/passkey', {
      credential: JSON.stringify(fakeAssertion(known, options.challenge)),
    });
    expect(response.statusCode).toBe(403);
    expect(await challengeRow(options.challenge)).toBeDefined();
  });
});
