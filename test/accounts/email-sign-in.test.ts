import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sha256 } from '../../src/kernel/crypto/tokens.ts';
import { testDialects } from '../helpers/database.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { enterCode, requestCode, signIn } from './support/flows.ts';
import { InjectBrowser } from './support/inject-browser.ts';

describe.each(testDialects())('sign-up and sign-in by email (%s)', (dialect) => {
  let smtp: SmtpCapture;
  let t: AccountsTestApp;
  let browser: InjectBrowser;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await buildAccountsApp({
      dialect,
      env: { SMTP_URL: smtp.url, MAIL_FROM: 'Consentry <login@consentry.test>' },
      // What another feature (the authorization endpoint) sees of the browser's session.
      extend: (app, accounts) =>
        app.get('/probe/session', async (request) => ({ session: (await accounts.sessions.current(request)) ?? null })),
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    browser = new InjectBrowser(t.app);
  });

  it('shows one labelled field, a CSRF token and the login hint', async () => {
    const page = await browser.get('/signin?return_to=%2Fdevelopers&login_hint=hint%40example.com');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.body).toContain('<label for="identifier">Email or phone number</label>');
    expect(page.body).toMatch(/<input id="identifier" name="identifier"[^>]*value="hint@example.com"/);
    expect(page.body).toContain('<input type="hidden" name="return_to" value="/developers">');
    expect(page.body).toMatch(/<input type="hidden" name="csrf" value="[\w-]{20,}">/);
    expect(page.body).toContain('>Continue</button>');
  });

  it('creates the account on the first verified code, then signs in with a session cookie', async () => {
    const { response, codePage, challengeId } = await requestCode(
      browser,
      '  New.Person@Example.com ',
      '/oauth/interaction/xyz?a=1',
    );
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(
      `/signin/code?challenge=${challengeId}&return_to=%2Foauth%2Finteraction%2Fxyz%3Fa%3D1`,
    );

    expect(codePage.body).toContain('We sent a code to <strong>n***@example.com</strong>');
    expect(codePage.body).toMatch(/<input id="code" name="code"[^>]*inputmode="numeric" autocomplete="one-time-code"/);
    expect(codePage.body).toContain('<label for="code">6-digit code</label>');
    expect(codePage.body).toContain('>Verify</button>');
    expect(codePage.body).toMatch(/<form method="post" action="\/signin\/resend"/);

    const mail = await smtp.waitForMessage('new.person@example.com');
    const code = /\d{6}/.exec(mail.subject)![0];
    expect(mail.subject).toBe(`Your Consentry code: ${code}`);
    expect(mail.from).toBe('login@consentry.test');
    expect(mail.text).toContain(`Your Consentry sign-in code is ${code}`);

    // The database holds an Argon2 hash, never the code.
    const challenge = await t.db
      .selectFrom('otp_challenges')
      .selectAll()
      .where('id', '=', challengeId)
      .executeTakeFirstOrThrow();
    expect(challenge.code_hash).toMatch(/^\$argon2id\$/);
    expect(challenge.destination).toBe('new.person@example.com');

    const verified = await enterCode(browser, codePage, code);
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/oauth/interaction/xyz?a=1');

    const cookie = InjectBrowser.setCookie(verified, 'consentry_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/', maxAge: t.config.SESSION_TTL_SECONDS });
    expect(cookie.secure).toBeFalsy();
    expect(String(verified.headers['set-cookie'])).not.toMatch(/Secure/);

    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'new.person@example.com')
      .executeTakeFirstOrThrow();
    expect(user.email_verified_at).toBeGreaterThanOrEqual(challenge.created_at);
    const session = await t.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(session.token_hash).toBe(sha256(cookie.value));
    expect(session.token_hash).not.toContain(cookie.value);
    expect(session.user_agent).toBe('vitest-browser/1.0');
    expect(session.ip).toBe('127.0.0.1');
    expect(session.expires_at - session.created_at).toBe(t.config.SESSION_TTL_SECONDS * 1000);

    const account = await browser.get('/account');
    expect(account.statusCode).toBe(200);
    expect(account.body).toContain('Signed in as <strong>new.person@example.com</strong>');
    expect(account.body).toMatch(/<form method="post" action="\/signout">/);
  });

  it('signs a known person into the same account with a new session and auth_time', async () => {
    const email = 'returning@example.com';
    await signIn(browser, email, () => smtp.waitForCode(email));
    const first = await t.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id as userId', 'sessions.id', 'sessions.auth_time'])
      .where('users.email', '=', email)
      .executeTakeFirstOrThrow();

    t.clock.advance(5 * 60_000);
    const again = await signIn(browser, email, () => smtp.waitForCode(email));
    expect(again.headers.location).toBe('/account');

    const sessions = await t.db.selectFrom('sessions').selectAll().where('user_id', '=', first.userId).execute();
    // The browser's previous session ended; the new one has a fresh auth_time (prompt=login).
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.id).not.toBe(first.id);
    expect(sessions[0]!.auth_time).toBeGreaterThanOrEqual(first.auth_time + 5 * 60_000);
    expect(await t.db.selectFrom('users').select('id').where('email', '=', email).execute()).toHaveLength(1);
  });

  it('exposes the session to other features through accounts.sessions.current', async () => {
    expect((await browser.get('/probe/session')).json()).toEqual({ session: null });
    const email = 'current@example.com';
    await signIn(browser, email, () => smtp.waitForCode(email));
    const row = await t.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.id', 'sessions.auth_time', 'users.id as userId'])
      .where('users.email', '=', email)
      .executeTakeFirstOrThrow();

    expect((await browser.get('/probe/session')).json()).toEqual({
      session: { sessionId: row.id, userId: row.userId, authTime: row.auth_time },
    });
    expect(await t.accounts.users.findById(row.userId)).toMatchObject({
      email,
      emailVerified: true,
      phone: null,
      phoneVerified: false,
      name: null,
    });

    browser.cookies.set('consentry_session', 'ses_forged');
    expect((await browser.get('/probe/session')).json()).toEqual({ session: null });
  });

  it('signs out: 303 to /signin, the row is deleted and the cookie cleared', async () => {
    const email = 'leaving@example.com';
    const verified = await signIn(browser, email, () => smtp.waitForCode(email));
    const token = InjectBrowser.setCookie(verified, 'consentry_session')!.value;
    const account = await browser.get('/account');

    const out = await browser.submit(account.body, '/signout');
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/signin');
    const cleared = InjectBrowser.setCookie(out, 'consentry_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.path).toBe('/');
    expect(
      await t.db.selectFrom('sessions').select('id').where('token_hash', '=', sha256(token)).execute(),
    ).toHaveLength(0);

    const after = await browser.get('/account');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/signin?return_to=%2Faccount');
  });

  it('sends people without a session from /account to sign-in', async () => {
    const response = await browser.get('/account');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/signin?return_to=%2Faccount');
  });

  it('ends sessions at their expiry', async () => {
    const email = 'expiring@example.com';
    await signIn(browser, email, () => smtp.waitForCode(email));
    expect((await browser.get('/account')).statusCode).toBe(200);
    t.clock.advance(t.config.SESSION_TTL_SECONDS * 1000 + 1);
    expect((await browser.get('/account')).statusCode).toBe(303);
  });

  it('never writes codes to the log when email is really sent', async () => {
    const email = 'quiet@example.com';
    await signIn(browser, email, () => smtp.waitForCode(email));
    const code = /\d{6}/.exec(smtp.messages.at(-1)!.subject)![0];
    expect(JSON.stringify(t.logs)).not.toContain(code);
    expect(t.logs.some((line) => line.msg.includes('DEVELOPMENT MODE') && line.channel === 'email')).toBe(false);
  });
});
