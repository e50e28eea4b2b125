import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenRejected } from '../../src/oauth/index.ts';
import { basicAuth, postForm } from '../helpers/clients.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { checkLayout, clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`the developer console in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({
        extend: ({ app, kernel, oauth }) => {
          app.register(async (scope) => {
            scope.setErrorHandler((error, _request, reply) => {
              if (error instanceof TokenRejected) return reply.code(error.status).send({ message: error.description });
              throw error;
            });
            scope.get(
              '/api/v2/browser-probe',
              {
                preHandler: oauth.requireToken(`${kernel.config.ISSUER}/api/v2`, {
                  allOf: ['read:bookings'],
                  allowPersonalAccessTokens: true,
                }),
              },
              async (request) => ({ sub: request.accessToken?.sub }),
            );
          });
        },
      }),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it('registers an app, shows a refused field, then the secret once; creates a personal access token that works', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/developers`);
    await signInWithKeyboard(page, 'dev@example.com', () => smtp.waitForCode('dev@example.com'));
    expect(new URL(page.url()).pathname).toBe('/developers');
    await checkLayout(page, 'developers-empty');

    await clickAndLoad(page, 'a:has-text("Register an app")');
    await checkLayout(page, 'developers-new-app');
    await page.fill('#name', 'Budget Buddy');
    await page.check('input[name=type][value=confidential]');
    await page.fill('#redirect_uris', 'http://budget.example/callback');
    await page.check('input[name=allowed_scopes][value="read:bookings"]');
    await clickAndLoad(page, 'button:has-text("Create app")');
    expect(await textOf(page, '#redirectUris-error')).toContain('uses http on a non-loopback host');
    expect(await page.getAttribute('#redirect_uris', 'aria-invalid')).toBe('true');
    await checkLayout(page, 'developers-new-app-error');

    await page.fill('#redirect_uris', 'https://budget.example/callback\nhttp://127.0.0.1/cb');
    await clickAndLoad(page, 'button:has-text("Create app")');
    expect(new URL(page.url()).pathname).toMatch(/^\/developers\/apps\/cl_/);
    const secret = await page.inputValue('#client-secret');
    expect(secret).toMatch(/^cs_/);
    const clientId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    expect(await textOf(page, 'main')).toContain(clientId);
    await checkLayout(page, 'developers-app-secret');
    const granted = await postForm(
      server,
      '/oauth/token',
      { grant_type: 'client_credentials', scope: 'read:bookings' },
      { authorization: basicAuth(clientId, secret) },
    );
    expect(granted.status).toBe(200);
    await page.reload();
    expect(await page.locator('#client-secret').count()).toBe(0);

    await page.goto(`${server.url}/developers/tokens/new`);
    await checkLayout(page, 'developers-new-token');
    await page.fill('#token-name', 'calendar sync');
    await page.check('input[name=scopes][value="read:bookings"]');
    await clickAndLoad(page, 'button:has-text("Create token")');
    const token = await page.inputValue('#new-token');
    expect(token).toMatch(/^pat_/);
    await checkLayout(page, 'developers-token-created');
    const probe = await fetch(`${server.url}/api/v2/browser-probe`, { headers: { authorization: `Bearer ${token}` } });
    expect(probe.status).toBe(200);
    await page.reload();
    expect(await page.locator('#new-token').count()).toBe(0);
    expect(await textOf(page, '[aria-labelledby=tokens-heading]')).toMatch(/calendar sync.*last used/);
    await context.close();
  });
});
