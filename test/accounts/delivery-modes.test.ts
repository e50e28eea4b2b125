import { describe, expect, it } from 'vitest';
import { buildAccountsApp } from './support/accounts-app.ts';
import { enterCode, requestCode } from './support/flows.ts';
import { InjectBrowser } from './support/inject-browser.ts';

describe('without an email or SMS provider', () => {
  it('writes the code to the log in a clearly marked development-mode line, and it works', async () => {
    const t = await buildAccountsApp({ env: { NODE_ENV: 'development' } });
    try {
      const browser = new InjectBrowser(t.app);
      for (const [identifier, channel, hint] of [
        ['dev@example.com', 'email', 'set SMTP_URL to send email'],
        ['+44 7911 123456', 'sms', 'set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM to send SMS'],
      ] as const) {
        const { codePage } = await requestCode(browser, identifier);
        const line = t.logs.findLast((l) => l.msg.startsWith('DEVELOPMENT MODE — one-time code'))!;
        expect(line).toMatchObject({ level: 40, channel });
        expect(line.msg).toContain(`(${hint})`);
        const code = /\d{6}/.exec(line.msg)![0];
        expect((await enterCode(browser, codePage, code)).statusCode).toBe(303);
      }
    } finally {
      await t.close();
    }
  });

  it('refuses the channel in production instead of logging codes', async () => {
    const t = await buildAccountsApp({
      env: { NODE_ENV: 'production', SECRET_KEY: 'x'.repeat(43), ISSUER: 'https://id.example', PRODUCTS: 'portfolio' },
    });
    try {
      const browser = new InjectBrowser(t.app);
      const response = await browser.submit((await browser.get('/signin')).body, '/signin', {
        identifier: 'prod@example.com',
      });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('Signing in by email is not available on this server.');
      expect(t.logs.some((l) => /one-time code \d{6}/.test(l.msg))).toBe(false);
      expect(await t.db.selectFrom('otp_challenges').select('id').execute()).toHaveLength(0);
    } finally {
      await t.close();
    }
  });

  it('refuses a partial Twilio configuration at start-up', async () => {
    await expect(buildAccountsApp({ env: { TWILIO_ACCOUNT_SID: 'AC123' } })).rejects.toThrow(/must be set together/);
  });
});

describe('on an https issuer', () => {
  it('marks the session cookie Secure', async () => {
    const t = await buildAccountsApp({ env: { ISSUER: 'https://id.example' } });
    try {
      const browser = new InjectBrowser(t.app);
      const { codePage } = await requestCode(browser, 'secure@example.com');
      const code = /\d{6}/.exec(t.logs.findLast((l) => l.msg.includes('one-time code'))!.msg)![0];
      const verified = await enterCode(browser, codePage, code);
      expect(InjectBrowser.setCookie(verified, 'consentry_session')).toMatchObject({
        secure: true,
        httpOnly: true,
        sameSite: 'Lax',
        path: '/',
      });
    } finally {
      await t.close();
    }
  });
});
