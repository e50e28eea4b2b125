import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`"Try it out" end to end in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([launchChromium(), startServerWithMail()]);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('signs up, allows the demo app, and shows each request and response', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/try`);
    expect(await textOf(page, 'h1')).toBe('Try it out');
    await checkLayout(page, 'try-start');

    await clickAndLoad(page, 'a:has-text("Sign in with Consentry")');
    await signInWithKeyboard(page, 'curious@example.com', () => smtp.waitForCode('curious@example.com'));
    expect(await textOf(page, 'main')).toContain('Try it out (built-in demo) wants to use your account');
    await clickAndLoad(page, 'button:has-text("Allow")');

    expect(new URL(page.url()).pathname).toBe('/try/callback');
    expect(await textOf(page, 'h1')).toBe('The app is connected');
    const result = await textOf(page, 'main');
    expect(result).toContain('POST /oauth/token HTTP/1.1');
    expect(result).toContain('GET /oauth/userinfo HTTP/1.1');
    expect(result).toContain('"email": "curious@example.com"');
    await checkLayout(page, 'try-result');
    await context.close();
  });

  it('works on the default development issuer, http://localhost, through its 127.0.0.1 twin', async () => {
    const port = await freePort();
    const local = await startServerWithMail({ env: { PORT: String(port), ISSUER: `http://localhost:${port}` } });
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${port}/try`);
      await clickAndLoad(page, 'a:has-text("Sign in with Consentry")');
      await signInWithKeyboard(page, 'local@example.com', () => local.smtp.waitForCode('local@example.com'));
      await clickAndLoad(page, 'button:has-text("Allow")');
      expect(page.url().startsWith(`http://127.0.0.1:${port}/try/callback?`)).toBe(true);
      expect(await textOf(page, 'h1')).toBe('The app is connected');
      expect(await textOf(page, 'main')).toContain('HTTP/1.1 200 OK');
    } finally {
      await context.close();
      await local.close();
    }
  });
});
