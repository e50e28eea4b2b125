import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { requestCode, signIn } from './support/flows.ts';
import { csrfTokenIn, InjectBrowser } from './support/inject-browser.ts';

describe('form posts: CSRF, malformed input and open redirects', () => {
  let smtp: SmtpCapture;
  let t: AccountsTestApp;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await buildAccountsApp({ env: { SMTP_URL: smtp.url, OTP_RESEND_SECONDS: '0' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });

  /** A browser with a CSRF cookie, the token of its forms, and a live challenge. */
  async function prepared(email: string) {
    const browser = new InjectBrowser(t.app);
    const { challengeId, codePage } = await requestCode(browser, email);
    return { browser, challengeId, csrf: csrfTokenIn(codePage.body), code: await smtp.waitForCode(email) };
  }

  const posts = (challenge: string, code: string): Array<[string, Record<string, string>]> => [
    ['/signin', { identifier: 'csrf-target@example.com' }],
    ['/signin/code', { challenge, code }],
    ['/signin/resend', { challenge }],
    ['/signout', {}],
  ];

  it('answers 403 to every POST without a CSRF token', async () => {
    const { browser, challengeId, code } = await prepared('csrf1@example.com');
    for (const [url, form] of posts(challengeId, code)) {
      const response = await browser.post(url, form);
      expect(response.statusCode, url).toBe(403);
      expect(response.body).toContain('This form has expired');
    }
    expect(smtp.messages.some((m) => m.to.includes('csrf-target@example.com'))).toBe(false);
  });

  it('answers 403 to a wrong token, and to a right token without its cookie', async () => {
    const { browser, challengeId, code, csrf } = await prepared('csrf2@example.com');
    for (const [url, form] of posts(challengeId, code)) {
      expect((await browser.post(url, { ...form, csrf: `${csrf.slice(0, -2)}xx` })).statusCode, url).toBe(403);
      const stranger = new InjectBrowser(t.app); // a cross-site attacker's page has the token but not the cookie
      expect((await stranger.post(url, { ...form, csrf })).statusCode, url).toBe(403);
    }
    // The challenge was not touched by the refused posts: the real code still works.
    expect((await browser.post('/signin/code', { challenge: challengeId, code, csrf })).statusCode).toBe(303);
  });

  it('answers malformed form input with a 400 page, never a 500', async () => {
    const { browser, csrf } = await prepared('malformed@example.com');
    const cases: Array<[string, string]> = [
      ['/signin', `csrf=${csrf}`],
      ['/signin', `csrf=${csrf}&identifier=a&identifier=b`],
      ['/signin', `csrf=${csrf}&identifier=${'x'.repeat(1001)}`],
      ['/signin/code', `csrf=${csrf}&code=123456`],
      ['/signin/resend', `csrf=${csrf}&challenge=${'c'.repeat(101)}`],
    ];
    for (const [url, payload] of cases) {
      const response = await t.app.inject({
        method: 'POST',
        url,
        payload,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        },
      });
      expect(response.statusCode, `${url} ${payload.slice(0, 60)}`).toBe(400);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
    }
    expect((await browser.get('/signin/code')).statusCode).toBe(400);
    expect((await browser.get(`/signin?return_to=${'a'.repeat(3000)}`)).statusCode).toBe(400);
  });

  it('shows an unknown address as a 400 with the typed value kept', async () => {
    const browser = new InjectBrowser(t.app);
    const response = await browser.submit((await browser.get('/signin')).body, '/signin', { identifier: 'jane@' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('That doesn’t look like an email address.');
    expect(response.body).toContain('value="jane@"');
    const empty = await browser.submit(response.body, '/signin', { identifier: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Enter an email address or a phone number.');
  });

  it('escapes what people type when it is shown back', async () => {
    const browser = new InjectBrowser(t.app);
    const response = await browser.submit((await browser.get('/signin')).body, '/signin', {
      identifier: '"><script>alert(1)</script>@x',
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).not.toContain('<script>');
    expect(response.body).toContain('&quot;&gt;&lt;script&gt;');
  });

  it.each([
    '//evil.example/',
    'https://evil.example/',
    '/\\evil.example',
    '/..//evil.example',
    'javascript:alert(1)',
    '/%09/evil.example',
  ])('lands on /account, not on return_to=%j', async (returnTo) => {
    const browser = new InjectBrowser(t.app);
    const email = `redirect${Math.random().toString(36).slice(2)}@example.com`;
    const signin = await browser.get(`/signin?return_to=${encodeURIComponent(returnTo)}`);
    const expected = returnTo === '/%09/evil.example' ? '/%09/evil.example' : '/account';
    expect(signin.body).toContain(`<input type="hidden" name="return_to" value="${expected}">`);
    // Even a return_to forged into the later forms is checked again before the redirect.
    const started = await browser.submit(signin.body, '/signin', { identifier: email, return_to: returnTo });
    const codePage = await browser.get(started.headers.location as string);
    const verified = await browser.submit(codePage.body, '/signin/code', {
      code: await smtp.waitForCode(email),
      return_to: returnTo,
    });
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe(expected);
  });

  it('redirects to a local return_to with 303 after sign-in', async () => {
    const browser = new InjectBrowser(t.app);
    const verified = await signIn(
      browser,
      'local@example.com',
      () => smtp.waitForCode('local@example.com'),
      '/oauth/authorize/resume?i=42',
    );
    expect(verified.headers.location).toBe('/oauth/authorize/resume?i=42');
  });
});
