import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient } from '../helpers/clients.ts';
import { testDialects } from '../helpers/database.ts';
import { pkcePair } from '../helpers/oauth-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** A browser profile with its own platform authenticator (Chrome DevTools Protocol's virtual one). */
interface Device {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  authenticatorId: string;
}

/** A credential as the virtual authenticator holds it (WebAuthn.Credential), private key included. */
interface StoredCredential {
  credentialId: string;
  privateKey: string;
  signCount: number;
  rpId?: string;
  userHandle?: string;
  isResidentCredential: boolean;
}

/**
 * Passkeys end to end in Chromium, whose virtual authenticator answers every ceremony as a
 * platform authenticator with user verification would. Note how it differs from a person at a
 * real browser: a conditional (autofill) request that finds a passkey for the site completes at
 * once, and one that finds none fails at once; so /signin signs a device holding a passkey in
 * as soon as it loads, and a device without one sees nothing until it presses the button.
 */
describe.skipIf(!hasChromium).each(testDialects())(`passkeys in a real browser (%s)${SKIP_NOTE}`, (dialect) => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  const logs: LogLine[] = [];
  const devices: Device[] = [];

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({
        dialect,
        issuerHost: 'localhost',
        env: { LOG_LEVEL: 'info' },
        logStream: { write: (line) => void logs.push(JSON.parse(line) as LogLine) },
      }),
    ]);
  });
  afterAll(async () => {
    for (const device of devices) await device.context.close();
    await browser?.close();
    await close?.();
  });

  async function newDevice(options: { javaScriptEnabled?: boolean } = {}): Promise<Device> {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
      },
    });
    const device = { context, page, cdp, authenticatorId };
    devices.push(device);
    return device;
  }

  async function credentialsOf(device: Device): Promise<StoredCredential[]> {
    const { credentials } = await device.cdp.send('WebAuthn.getCredentials', {
      authenticatorId: device.authenticatorId,
    });
    return credentials as unknown as StoredCredential[];
  }

  /** Puts `credential` (back) on the device's authenticator, with the signature counter given. */
  async function storeCredential(device: Device, credential: StoredCredential, signCount: number): Promise<void> {
    await device.cdp.send('WebAuthn.clearCredentials', { authenticatorId: device.authenticatorId });
    await device.cdp.send('WebAuthn.addCredential', {
      authenticatorId: device.authenticatorId,
      credential: {
        credentialId: credential.credentialId,
        isResidentCredential: true,
        rpId: 'localhost',
        privateKey: credential.privateKey,
        userHandle: credential.userHandle,
        signCount,
      },
    });
  }

  const sessionCount = async () =>
    (await server.kernel.database.db.selectFrom('sessions').select('id').execute()).length;
  const passkeySignIns = () => logs.filter((l) => l.msg === 'signed in' && l.method === 'passkey').length;

  /** Waits for the next page after a passkey ceremony the page itself started (autofill). */
  async function waitForPage(page: Page, path: RegExp): Promise<void> {
    await page.waitForURL((url) => path.test(url.pathname));
    await page.waitForLoadState('load');
  }

  let ada: Device;
  let credential: StoredCredential;

  it('adds a passkey on /account: discoverable, user handle without personal data, listed with its name', async () => {
    ada = await newDevice();
    const { page } = ada;
    await page.goto(`${server.url}/account`);
    await signInWithKeyboard(page, 'ada@example.com', () => smtp.waitForCode('ada@example.com'));
    expect(new URL(page.url()).pathname).toBe('/account');
    const section = page.locator('section[aria-labelledby=passkeys-heading]');
    expect(await section.locator('p', { hasText: 'You have no passkeys yet.' }).count()).toBe(1);
    await section.locator('#passkey-add-form').waitFor({ state: 'visible' });
    expect(await page.isVisible('#passkey-unsupported')).toBe(false);
    await section.scrollIntoViewIfNeeded();
    await checkLayout(page, 'account-passkeys-empty');

    await page.fill('#passkey-name', 'Ada’s laptop');
    await clickAndLoad(page, 'button:has-text("Add a passkey")');
    expect(page.url()).toBe(`${server.url}/account?passkey=added#passkeys-heading`);
    expect(await textOf(page, 'section[aria-labelledby=passkeys-heading] [role=status]')).toContain(
      'Your passkey was added.',
    );
    const row = await textOf(page, 'li.passkey');
    expect(row).toContain('Ada’s laptop');
    expect(row).toContain('never used');
    await checkLayout(page, 'account-passkeys');

    const stored = await credentialsOf(ada);
    expect(stored).toHaveLength(1);
    credential = stored[0]!;
    expect(credential.isResidentCredential).toBe(true);
    expect(credential.rpId).toBe('localhost');
    const user = await server.kernel.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'ada@example.com')
      .executeTakeFirstOrThrow();
    expect(Buffer.from(credential.userHandle!, 'base64').toString()).toBe(user.id);
    expect(logs.some((l) => l.msg === 'passkey added' && l.userId === user.id)).toBe(true);
  });

  it('signs out and back in with the passkey through autofill, honouring return_to', async () => {
    const { page, context } = ada;
    const before = passkeySignIns();
    await clickAndLoad(page, 'button:has-text("Sign out")');
    // /signin offers the passkey in the field's autofill; the virtual authenticator picks it at once.
    await waitForPage(page, /^\/account$/);
    expect(passkeySignIns()).toBe(before + 1);
    expect(await textOf(page, 'li.passkey')).toContain('last used');

    // A signed-out browser sent to sign in by an app comes back to the app's request.
    await context.clearCookies();
    const client = await createTestClient(server, {
      name: 'Budget Buddy',
      type: 'public',
      redirectUris: ['http://127.0.0.1:9/callback'],
      allowedScopes: ['openid', 'email'],
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.id,
      redirect_uri: client.redirectUri,
      scope: 'openid email',
      state: 'st',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${server.url}/oauth/authorize?${query}`);
    await waitForPage(page, /^\/oauth\/interaction\//);
    expect(await textOf(page, 'main')).toContain('Budget Buddy wants to use your account');
    expect(passkeySignIns()).toBe(before + 2);
  });

  it('signs in with the "Sign in with a passkey" button', async () => {
    const { page, context } = ada;
    await context.clearCookies();
    // Without the passkey the autofill request fails quietly; it comes back before the button is pressed.
    const [current] = await credentialsOf(ada);
    await ada.cdp.send('WebAuthn.clearCredentials', { authenticatorId: ada.authenticatorId });
    await page.goto(`${server.url}/signin?return_to=${encodeURIComponent('/account/profile')}`);
    const button = page.locator('button:has-text("Sign in with a passkey")');
    await button.waitFor({ state: 'visible' });
    expect(await page.getAttribute('#identifier', 'autocomplete')).toBe('username webauthn');
    await checkLayout(page, 'signin-passkey');
    await storeCredential(ada, current!, current!.signCount);

    const before = passkeySignIns();
    await button.click();
    await waitForPage(page, /^\/account\/profile$/);
    expect(passkeySignIns()).toBe(before + 1);
  });

  it('refuses a replayed answer: the challenge was used up, no session is made', async () => {
    const { page, context } = ada;
    await context.clearCookies();
    let replay: { body: string; cookie: string } | undefined;
    await page.route('**/signin/passkey', async (route) => {
      const cookies = await context.cookies(server.url);
      replay = {
        body: route.request().postData() ?? '',
        cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      };
      await route.continue();
    });
    await page.goto(`${server.url}/signin`);
    await waitForPage(page, /^\/account$/);
    await page.unroute('**/signin/passkey');
    expect(replay?.body).toContain('credential=');

    const sessions = await sessionCount();
    const replayed = await fetch(`${server.url}/signin/passkey`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: replay!.cookie },
      body: replay!.body,
      redirect: 'manual',
    });
    expect(replayed.status).toBe(400);
    expect(await replayed.text()).toContain('That passkey request has expired or was already used.');
    expect(replayed.headers.getSetCookie().some((c) => c.startsWith('consentry_session='))).toBe(false);
    expect(await sessionCount()).toBe(sessions);
  });

  it('refuses an authenticator whose counter went backwards (a clone), and logs it', async () => {
    const { page, context } = ada;
    const [current] = await credentialsOf(ada);
    expect(current!.signCount).toBeGreaterThan(1);
    await storeCredential(ada, current!, 0);
    await context.clearCookies();
    const sessions = await sessionCount();
    await page.goto(`${server.url}/signin`);
    await page.waitForSelector('#passkey-error');
    expect(await textOf(page, '#passkey-error')).toBe(
      'We couldn’t verify that passkey. Try again, or sign in with a code.',
    );
    expect(await sessionCount()).toBe(sessions);
    const warning = logs.find((l) => l.reason === 'counter_went_back');
    expect(warning?.level).toBe(40);
    expect(warning?.msg).toContain('possibly a cloned authenticator');
    expect(JSON.stringify(warning)).not.toContain(current!.credentialId);

    // The genuine authenticator, counting on from where it was, still signs in.
    await storeCredential(ada, current!, current!.signCount);
    await clickAndLoad(page, 'button:has-text("Sign in with a passkey")');
    expect(new URL(page.url()).pathname).toBe('/account');
  });

  it('renames and removes the passkey; the removed passkey is refused with a clear message', async () => {
    const { page, context } = ada;
    await page.goto(`${server.url}/account`);
    await clickAndLoad(page, 'li.passkey a:has-text("Rename")');
    await page.fill('#name', 'Work laptop');
    await clickAndLoad(page, 'button:has-text("Save")');
    expect(await textOf(page, '[role=status]')).toBe('Your passkey was renamed.');
    expect(await textOf(page, 'li.passkey strong')).toBe('Work laptop');

    await clickAndLoad(page, 'li.passkey a:has-text("Remove")');
    expect(await textOf(page, 'h1')).toBe('Remove passkey?');
    expect(await textOf(page, 'main')).toContain('It is your only passkey: you will sign in with a one-time code.');
    await checkLayout(page, 'passkey-remove');
    await clickAndLoad(page, 'button:has-text("Remove passkey")');
    expect(await textOf(page, '[role=status]')).toContain('Your passkey was removed.');
    expect(await page.locator('li.passkey').count()).toBe(0);
    expect(logs.some((l) => l.msg === 'passkey removed')).toBe(true);

    await context.clearCookies();
    const sessions = await sessionCount();
    await page.goto(`${server.url}/signin`);
    await page.waitForSelector('#passkey-error');
    expect(await textOf(page, '#passkey-error')).toBe(
      'This passkey isn’t registered here — it may have been removed. Sign in with a code instead.',
    );
    expect(await sessionCount()).toBe(sessions);
    await checkLayout(page, 'signin-passkey-unknown');
  });

  it('on a second device without the passkey, the button says so and a code signs in', async () => {
    const { page } = await newDevice();
    await page.goto(`${server.url}/account`);
    await page.click('button:has-text("Sign in with a passkey")');
    const message = page.locator('[data-passkey-message]');
    await message.waitFor({ state: 'visible' });
    expect(await message.textContent()).toBe(
      'No passkey was used. Try again, or continue with your email address or phone number.',
    );
    await checkLayout(page, 'signin-passkey-none');
    await page.click('#identifier');
    await signInWithKeyboard(page, 'ada@example.com', () => smtp.waitForCode('ada@example.com'));
    expect(new URL(page.url()).pathname).toBe('/account');
  });

  it('without JavaScript, the passkey parts stay hidden and codes work', async () => {
    const { page } = await newDevice({ javaScriptEnabled: false });
    await page.goto(`${server.url}/account`);
    expect(await page.isVisible('button:has-text("Sign in with a passkey")')).toBe(false);
    await signInWithKeyboard(page, 'grace@example.com', () => smtp.waitForCode('grace@example.com'));
    expect(new URL(page.url()).pathname).toBe('/account');
    expect(await page.isVisible('#passkey-add-form')).toBe(false);
    expect(await page.isVisible('#passkey-unsupported')).toBe(true);
  });
});
