import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, type TestClient } from '../helpers/clients.ts';
import { exchangeCode, pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import {
  checkLayout,
  clickAndLoad,
  hasChromium,
  launchChromium,
  SKIP_NOTE,
  startRedirectSink,
  textOf,
} from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`consent, deny, revoke and profile in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let sink: Awaited<ReturnType<typeof startRedirectSink>>;
  let client: TestClient;

  beforeAll(async () => {
    sink = await startRedirectSink();
    [browser, { server, smtp, close }] = await Promise.all([launchChromium(), startServerWithMail()]);
    client = await createTestClient(server, {
      name: 'Budget Buddy',
      type: 'public',
      redirectUris: [sink.url],
      allowedScopes: ['openid', 'profile', 'email', 'read:assets'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
    await sink?.close();
  });

  /** Opens the app's authorization request and signs in; returns the PKCE verifier. */
  async function authorize(page: Page, email: string): Promise<{ verifier: string; state: string }> {
    const { verifier, challenge } = pkcePair();
    const state = `st-${email}`;
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: sink.url,
      scope: 'openid email read:assets',
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${server.url}/oauth/authorize?${query}`);
    await signInWithKeyboard(page, email, () => smtp.waitForCode(email));
    expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/interaction\//);
    return { verifier, state };
  }

  /** Tabs through the page as a keyboard user would, until `label` has focus; the labels passed on the way. */
  async function tabTo(page: Page, label: string): Promise<string[]> {
    const passed: string[] = [];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
      passed.push(focused);
      if (focused === label) return passed;
    }
    throw new Error(`"${label}" never got focus; passed ${passed.join(' | ')}`);
  }

  it('approves with the keyboard; the app’s token works until access is revoked on /account', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { verifier, state } = await authorize(page, 'lin@example.com');
    const consent = await textOf(page, 'main');
    expect(consent).toContain('Budget Buddy wants to use your account');
    expect(consent).toContain(new URL(sink.url).host);
    expect(consent).toContain('See your email address');
    expect(consent).toContain('See your crypto balances and positions');
    await checkLayout(page, 'consent');

    const order = await tabTo(page, 'Allow');
    expect(order).not.toContain('Deny'); // Allow comes first in the focus order
    await Promise.all([page.waitForURL((url) => url.href.startsWith(sink.url)), page.keyboard.press('Enter')]);
    const back = new URL(page.url());
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('iss')).toBe(server.url);

    // exchangeCode expects the 200 (the client's redirect URI is the sink's).
    const tokens = await exchangeCode(server, client, { redirect: back, verifier });
    const userinfo = () =>
      fetch(`${server.url}/oauth/userinfo`, {
        headers: { authorization: `Bearer ${tokens.access_token as string}` },
      });
    expect((await userinfo()).status).toBe(200);

    await page.goto(`${server.url}/account`);
    expect(await textOf(page, '[aria-labelledby=apps-heading]')).toContain('Budget Buddy');
    await checkLayout(page, 'account-connected-app');
    await clickAndLoad(page, 'button:has-text("Revoke access for Budget Buddy")');
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await textOf(page, '[aria-labelledby=apps-heading]')).toContain('No app has access to your account.');
    expect((await userinfo()).status).toBe(401);
    await context.close();
  });

  it('denies: the app gets access_denied and no code', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { state } = await authorize(page, 'mo@example.com');
    await Promise.all([page.waitForURL((url) => url.href.startsWith(sink.url)), page.click('button:has-text("Deny")')]);
    const back = new URL(page.url());
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.has('code')).toBe(false);
    await context.close();
  });

  it('edits the profile from /account and signs out another browser', async () => {
    const phone = await browser.newContext({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
    });
    const phonePage = await phone.newPage();
    await phonePage.goto(`${server.url}/account`);
    await signInWithKeyboard(phonePage, 'ines@example.com', () => smtp.waitForCode('ines@example.com'));

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/account`);
    await signInWithKeyboard(page, 'ines@example.com', () => smtp.waitForCode('ines@example.com'));
    await clickAndLoad(page, 'a:has-text("Edit profile")');
    await checkLayout(page, 'account-profile');
    await page.fill('#name', 'Inès Moreau');
    await page.selectOption('#time_zone', 'Europe/Lisbon');
    await clickAndLoad(page, 'button:has-text("Save profile")');
    expect(await textOf(page, '[aria-labelledby=profile-heading]')).toContain('Inès Moreau');
    expect(await textOf(page, '[aria-labelledby=profile-heading]')).toContain('Europe/Lisbon');
    expect(await textOf(page, '[aria-labelledby=sessions-heading]')).toContain('Safari on iOS');
    await checkLayout(page, 'account-sessions');

    await clickAndLoad(page, 'button:has-text("Sign out everywhere else")');
    expect(await textOf(page, '[aria-labelledby=sessions-heading]')).toContain('You were signed out everywhere else.');
    await phonePage.goto(`${server.url}/account`);
    expect(new URL(phonePage.url()).pathname).toBe('/signin');
    await Promise.all([context.close(), phone.close()]);
  });
});
