import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { enterCode, otherCode, requestCode } from './support/flows.ts';
import { InjectBrowser } from './support/inject-browser.ts';

describe.each(testDialects())('wrong, expired and throttled codes (%s)', (dialect) => {
  let smtp: SmtpCapture;
  let t: AccountsTestApp;
  let browser: InjectBrowser;
  let n = 0;
  /** A fresh address per test, so one test's throttling never reaches another. */
  const address = () => `person${++n}@example.com`;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    // Frozen: the Retry-After arithmetic below must not drift with real time on a busy machine.
    t = await buildAccountsApp({
      dialect,
      env: { SMTP_URL: smtp.url, OTP_RESEND_SECONDS: '30' },
      frozenAt: Date.now(),
    });
  });
  afterAll(async () => {
    await t.close();
    await smtp.close();
  });
  beforeEach(() => {
    browser = new InjectBrowser(t.app);
  });

  it('re-renders a wrong code with 400 and the attempts left, without a session', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);

    const wrong = await enterCode(browser, codePage, otherCode(code));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('That code is not right. You have 4 attempts left.');
    expect(wrong.body).toContain('aria-invalid="true"');
    expect(InjectBrowser.setCookie(wrong, 'consentry_session')).toBeUndefined();

    const right = await enterCode(browser, wrong, code);
    expect(right.statusCode).toBe(303);
  });

  it('kills the challenge after 5 wrong codes, even for the right code', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);

    let page = codePage.body;
    for (const left of [4, 3, 2, 1]) {
      const wrong = await enterCode(browser, page, otherCode(code));
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain(`You have ${left} ${left === 1 ? 'attempt' : 'attempts'} left.`);
      page = wrong.body;
    }
    const fifth = await enterCode(browser, page, otherCode(code));
    expect(fifth.statusCode).toBe(429);
    expect(fifth.body).toContain('Too many wrong codes');

    const tooLate = await enterCode(browser, fifth, code);
    expect(tooLate.statusCode).toBe(429);
    expect(tooLate.body).toContain('Too many wrong codes');
    expect(InjectBrowser.setCookie(tooLate, 'consentry_session')).toBeUndefined();
  });

  it('counts concurrent guesses exactly: never more than 5 checks', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);
    const guesses = await Promise.all(Array.from({ length: 12 }, () => enterCode(browser, codePage, otherCode(code))));
    expect(guesses.filter((g) => g.statusCode === 400)).toHaveLength(4);
    expect(guesses.filter((g) => g.statusCode === 429)).toHaveLength(8);
  });

  it('does not spend an attempt on something that is not a 6-digit code', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);
    const malformed = await enterCode(browser, codePage, '12ab56');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('Enter the 6-digit code we sent you.');
    const wrong = await enterCode(browser, malformed, otherCode(code));
    expect(wrong.body).toContain('You have 4 attempts left.');
  });

  it('refuses a code after 10 minutes', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);
    t.clock.advance(10 * 60_000 + 1);

    const expired = await enterCode(browser, codePage, code);
    expect(expired.statusCode).toBe(400);
    expect(expired.body).toContain('This code has expired. Request a new code.');
    expect(InjectBrowser.setCookie(expired, 'consentry_session')).toBeUndefined();
  });

  it('accepts a code just before 10 minutes, pasted with a space', async () => {
    const email = address();
    const { codePage } = await requestCode(browser, email);
    const code = await smtp.waitForCode(email);
    t.clock.advance(10 * 60_000 - 5_000);
    const verified = await enterCode(browser, codePage, `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(verified.statusCode).toBe(303);
  });

  it('throttles resends per destination (429, seconds to wait), then sends a new code that replaces the old', async () => {
    const email = address();
    const { codePage, challengeId } = await requestCode(browser, email);
    const firstCode = await smtp.waitForCode(email);

    const throttled = await browser.submit(codePage.body, '/signin/resend');
    expect(throttled.statusCode).toBe(429);
    expect(throttled.headers['retry-after']).toBe('30');
    expect(throttled.body).toContain('You can request a new one in 30 seconds.');
    expect(smtp.messages.filter((m) => m.to.includes(email))).toHaveLength(1);

    t.clock.advance(12_000);
    const stillThrottled = await browser.submit(throttled.body, '/signin/resend');
    expect(stillThrottled.statusCode).toBe(429);
    expect(stillThrottled.body).toContain('in 18 seconds');

    t.clock.advance(18_000);
    const resent = await browser.submit(stillThrottled.body, '/signin/resend');
    expect(resent.statusCode).toBe(303);
    const next = new URL(resent.headers.location as string, 'http://localhost');
    expect(next.searchParams.get('challenge')).not.toBe(challengeId);
    expect(next.searchParams.get('resent')).toBe('1');
    const newPage = await browser.get(next.pathname + next.search);
    expect(newPage.body).toContain('We sent a new code. Earlier codes no longer work.');
    const secondCode = await smtp.waitForCode(email);

    // The old page and its code are dead; the new code works.
    const old = await enterCode(browser, codePage, firstCode);
    expect(old.statusCode).toBe(400);
    expect(old.body).toContain('This code has expired');
    const verified = await enterCode(browser, newPage, secondCode);
    expect(verified.statusCode).toBe(303);
  });

  it('applies the same throttle when the person starts over on /signin', async () => {
    const email = address();
    await requestCode(browser, email);
    const again = await browser.submit((await browser.get('/signin')).body, '/signin', {
      identifier: email.toUpperCase(),
    });
    expect(again.statusCode).toBe(429);
    expect(again.body).toContain('You can request a new one in 30 seconds.');
    expect(again.headers['retry-after']).toBe('30');
  });

  it('caps codes at 5 per destination per hour', async () => {
    const email = address();
    let { codePage } = await requestCode(browser, email);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(30_000);
      const resent = await browser.submit(codePage.body, '/signin/resend');
      expect(resent.statusCode).toBe(303);
      codePage = await browser.get(resent.headers.location as string);
    }
    t.clock.advance(30_000);
    const capped = await browser.submit(codePage.body, '/signin/resend');
    expect(capped.statusCode).toBe(429);
    // First code went out 2.5 minutes ago: the hour ends in 57.5 minutes.
    expect(capped.headers['retry-after']).toBe(String(60 * 60 - 150));

    t.clock.advance((60 * 60 - 150) * 1000);
    expect((await browser.submit(capped.body, '/signin/resend')).statusCode).toBe(303);
  });

  it('sends an unknown challenge back to the sign-in form', async () => {
    const page = await browser.get(
      '/signin/code?challenge=00000000-0000-0000-0000-000000000000&return_to=%2Fdevelopers',
    );
    expect(page.statusCode).toBe(400);
    expect(page.body).toContain('This sign-in attempt is no longer valid.');
    expect(page.body).toContain('<input type="hidden" name="return_to" value="/developers">');
  });

  it('tells a person coming back to an expired code page before they type anything', async () => {
    const email = address();
    const { response } = await requestCode(browser, email);
    t.clock.advance(11 * 60_000);
    const page = await browser.get(response.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('This code has expired. Request a new code.');
  });
});
