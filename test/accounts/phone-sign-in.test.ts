import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startTwilioCapture, type TwilioCapture } from '../helpers/twilio.ts';
import { buildAccountsApp, type AccountsTestApp } from './support/accounts-app.ts';
import { requestCode, signIn } from './support/flows.ts';
import { InjectBrowser } from './support/inject-browser.ts';

describe.each(testDialects())('sign-up and sign-in by phone (%s)', (dialect) => {
  let twilio: TwilioCapture;
  let t: AccountsTestApp;
  let browser: InjectBrowser;

  beforeAll(async () => {
    twilio = await startTwilioCapture();
    t = await buildAccountsApp({
      dialect,
      env: {
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
  beforeEach(() => {
    browser = new InjectBrowser(t.app);
  });

  it('texts the code through the Twilio API and creates the account with an E.164 number', async () => {
    const { codePage } = await requestCode(browser, '+44 7911 123456');
    expect(codePage.body).toContain('<h1>Check your phone</h1>');
    expect(codePage.body).toContain('We sent a code to <strong>+44 *******456</strong>');

    const sms = await twilio.waitForMessage('+447911123456');
    const code = /\d{6}/.exec(sms.body)![0];
    expect(sms).toMatchObject({ to: '+447911123456', from: twilio.from, messagingServiceSid: null });
    expect(sms.body).toContain(`Your Consentry code is ${code}.`);
    expect(sms.body.split('\n').at(-1)).toBe(`@localhost #${code}`);

    const verified = await browser.submit(codePage.body, '/signin/code', { code });
    expect(verified.statusCode).toBe(303);
    expect(verified.headers.location).toBe('/account');
    const user = await t.db
      .selectFrom('users')
      .selectAll()
      .where('phone', '=', '+447911123456')
      .executeTakeFirstOrThrow();
    expect(user.phone_verified_at).not.toBeNull();
    expect(user.email).toBeNull();
    expect((await browser.get('/account')).body).toContain('Signed in as <strong>+447911123456</strong>');
  });

  it('signs the same number in again, however it is typed', async () => {
    await signIn(browser, '+1 415 555 2671', () => twilio.waitForCode('+14155552671'));
    t.clock.advance(t.config.OTP_RESEND_SECONDS * 1000);
    await signIn(new InjectBrowser(t.app), '+1 (415) 555-2671', () => twilio.waitForCode('+14155552671'));
    expect(await t.db.selectFrom('users').select('id').where('phone', '=', '+14155552671').execute()).toHaveLength(1);
  });

  it('refuses a number without its country code with a clear 400', async () => {
    const signin = await browser.get('/signin');
    const response = await browser.submit(signin.body, '/signin', { identifier: '07911 123456' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('Enter it with its country code');
    expect(response.body).toContain('value="07911 123456"');
  });

  it('shows a failed delivery as a clear error (502, not 500) and lets the person retry at once', async () => {
    twilio.failNext(400, 21211, "The 'To' number +33612345678 is not a valid phone number.");
    const signin = await browser.get('/signin');
    const failed = await browser.submit(signin.body, '/signin', { identifier: '+33 6 12 34 56 78' });
    expect(failed.statusCode).toBe(502);
    expect(failed.body).toContain('We couldn’t send the text message');
    expect(t.logs.some((l) => l.msg === 'one-time code SMS was refused by Twilio' && l.twilioCode === 21211)).toBe(
      true,
    );

    // A failed send costs no quota: no resend wait applies.
    await signIn(browser, '+33 6 12 34 56 78', () => twilio.waitForCode('+33612345678'));
  });

  it('shows an unreachable SMS provider as a clear error too', async () => {
    const offline = await buildAccountsApp({
      env: {
        TWILIO_API_URL: 'http://127.0.0.1:9',
        TWILIO_ACCOUNT_SID: 'AC0',
        TWILIO_AUTH_TOKEN: 'secret',
        TWILIO_FROM: '+15005550006',
      },
    });
    try {
      const b = new InjectBrowser(offline.app);
      const failed = await b.submit((await b.get('/signin')).body, '/signin', { identifier: '+44 7911 123456' });
      expect(failed.statusCode).toBe(502);
      expect(failed.body).toContain('We couldn’t send the text message');
    } finally {
      await offline.close();
    }
  });
});

describe('Twilio messaging services', () => {
  it('sends MessagingServiceSid instead of From when TWILIO_FROM is an MG… SID', async () => {
    const twilio = await startTwilioCapture();
    const service = 'MG0123456789abcdef0123456789abcdef';
    const t = await buildAccountsApp({
      env: {
        TWILIO_API_URL: twilio.url,
        TWILIO_ACCOUNT_SID: twilio.accountSid,
        TWILIO_AUTH_TOKEN: twilio.authToken,
        TWILIO_FROM: service,
      },
    });
    try {
      await signIn(new InjectBrowser(t.app), '+44 7911 123456', () => twilio.waitForCode('+447911123456'));
      expect(twilio.messages[0]).toMatchObject({ from: null, messagingServiceSid: service });
    } finally {
      await t.close();
      await twilio.close();
    }
  });
});
