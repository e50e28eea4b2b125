import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClient, postForm, type TestClient } from '../helpers/clients.ts';
import { DEVICE_GRANT } from '../helpers/device-flow.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`the device flow's /device page in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let registered: TestClient;

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([launchChromium(), startServerWithMail()]);
    registered = await createTestClient(server, {
      name: 'Pocket Agent',
      type: 'public',
      redirectUris: [],
      grantTypes: [DEVICE_GRANT],
      allowedScopes: ['openid', 'read:assets'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('a person signs in, types the code the device shows and allows it; the device gets its token', async () => {
    const started = await postForm(server, '/oauth/device_authorization', {
      client_id: registered.id,
      scope: 'openid read:assets',
    });
    expect(started.status).toBe(200);
    const { device_code: deviceCode, user_code: userCode } = started.json as Record<string, string>;

    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/device`);
    await signInWithKeyboard(page, 'pat@example.com', () => smtp.waitForCode('pat@example.com'));
    expect(new URL(page.url()).pathname).toBe('/device');
    expect(await textOf(page, 'h1')).toBe('Connect a device');
    await page.waitForFunction(() => document.activeElement?.id === 'user_code');
    await checkLayout(page, 'device-code');

    // Lower case, no dash: the page shows it in capitals and the server takes it as typed.
    await page.keyboard.type(userCode!.replace('-', '').toLowerCase());
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('user_code')!).textTransform)).toBe(
      'uppercase',
    );
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    const consent = await textOf(page, 'main');
    expect(consent).toContain('Pocket Agent wants to use your account');
    expect(consent).toContain(`shows the code ${userCode}`);
    expect(consent).toContain('See your crypto balances and positions');
    expect(consent).toContain('go back to your device');
    await checkLayout(page, 'device-consent');

    await clickAndLoad(page, 'button:has-text("Allow")');
    expect(new URL(page.url()).pathname).toBe('/device/approved');
    expect(await textOf(page, 'h1')).toBe('Device connected');
    await checkLayout(page, 'device-approved');

    const tokens = await postForm(server, '/oauth/token', {
      grant_type: DEVICE_GRANT,
      device_code: deviceCode!,
      client_id: registered.id,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.json.scope).toBe('openid read:assets');

    await page.goto(`${server.url}/account`);
    expect(await textOf(page, '[aria-labelledby=apps-heading]')).toContain('Pocket Agent');
    await context.close();
  });

  it('shows a wrong code as an error next to the field, keeping what was typed', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/device?user_code=BCDF-GHJK`);
    await signInWithKeyboard(page, 'typo@example.com', () => smtp.waitForCode('typo@example.com'));
    expect(await page.inputValue('#user_code')).toBe('BCDF-GHJK');
    await clickAndLoad(page, 'button:has-text("Continue")');
    expect(await textOf(page, '[role=alert]')).toContain('No device is waiting with that code');
    expect(await page.getAttribute('#user_code', 'aria-invalid')).toBe('true');
    expect(await page.inputValue('#user_code')).toBe('BCDF-GHJK');
    await checkLayout(page, 'device-code-error');
    await context.close();
  });
});
