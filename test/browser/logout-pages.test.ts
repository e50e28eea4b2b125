import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import type { Browser } from 'playwright-core';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

/** RP-initiated logout's two pages in Chromium, at 375 and 1280 px: the confirmation, then "signed out". */
describe.skipIf(!hasChromium)(`signing out through /oauth/end_session in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  beforeAll(async () => {
    browser = await launchChromium();
    ({ server, smtp, close } = await startServerWithMail());
  });
  afterAll(async () => {
    await browser.close();
    await close();
  });
  it('asks before signing out a request with no hint, then says the person is signed out', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/account`);
    await signInWithKeyboard(page, 'lo@example.com', () => smtp.waitForCode('lo@example.com'));
    await page.goto(`${server.url}/oauth/end_session`);
    expect(await textOf(page, 'main')).toContain('A site asks to sign you out of Consentry.');
    await checkLayout(page, 'logout-confirm');
    await clickAndLoad(page, 'button:has-text("Sign out")');
    expect(await textOf(page, 'main')).toContain('You are signed out');
    await checkLayout(page, 'logout-done');
    // The session is gone: the account page asks to sign in again.
    await page.goto(`${server.url}/account`);
    expect(new URL(page.url()).pathname).toBe('/signin');
  }, 60_000);
});
