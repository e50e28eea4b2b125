import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { startTwilioCapture, type TwilioCapture } from '../helpers/twilio.ts';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`signing up in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let twilio: TwilioCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    twilio = await startTwilioCapture();
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({
        env: {
          TWILIO_ACCOUNT_SID: twilio.accountSid,
          TWILIO_AUTH_TOKEN: twilio.authToken,
          TWILIO_FROM: twilio.from,
          TWILIO_API_URL: twilio.url,
        },
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await twilio?.close();
  });

  it('signs up by email with the keyboard alone and lands on /account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/account`);
    await signInWithKeyboard(
      page,
      'ada@example.com',
      () => smtp.waitForCode('ada@example.com'),
      (name) => checkLayout(page, `email-${name}`),
    );
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await textOf(page, 'h1')).toBe('Your account');
    expect(await textOf(page, 'main')).toContain('ada@example.com');
    await checkLayout(page, 'account');
    await context.close();
  });

  it('signs up by phone, showing a wrong code clearly before the right one', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await page.fill('#identifier', '+44 7911 123456');
    await clickAndLoad(page, 'button:has-text("Continue")');
    expect(new URL(page.url()).pathname).toBe('/signin/code');
    expect(await textOf(page, 'h1')).toBe('Check your phone');
    const code = await twilio.waitForCode('+447911123456');

    await page.fill('#code', code === '000000' ? '111111' : '000000');
    await clickAndLoad(page, 'button:has-text("Verify")');
    expect(await textOf(page, '[role=alert]')).toContain('That code is not right. You have 4 attempts left.');
    expect(await page.getAttribute('#code', 'aria-invalid')).toBe('true');
    await checkLayout(page, 'signin-code-wrong');

    await page.fill('#code', code);
    await clickAndLoad(page, 'button:has-text("Verify")');
    expect(page.url()).toBe(`${server.url}/account`);
    expect(await textOf(page, 'main')).toContain('+447911123456');
    await context.close();
  });

  it('explains a refused address next to the field', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/signin`);
    await page.fill('#identifier', 'jane@');
    await clickAndLoad(page, 'button:has-text("Continue")');
    expect(await textOf(page, '[role=alert]')).toContain('That doesn’t look like an email address.');
    await checkLayout(page, 'signin-error');
    await context.close();
  });
});
