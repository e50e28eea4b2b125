import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { checkLayout, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';

/** Each reference page and an operation its rendered list must show. */
const REFERENCES = [
  {
    path: '/docs/platform/v1',
    title: 'Platform API v1',
    info: 'Consentry Platform API v1',
    schema: 'OpenAPIAssetPosition',
    operation: '/assets',
    screen: 'docs-platform-v1',
  },
  {
    path: '/docs/platform/v2',
    title: 'Platform API v2',
    info: 'Consentry Platform API v2',
    schema: 'ProviderMetadata',
    operation: '/providers/catalog',
    screen: 'docs-platform-v2',
  },
  {
    path: '/docs/api/v2',
    title: 'Scheduling API v2',
    info: 'Consentry Scheduling API',
    schema: 'EventType',
    operation: '/event-types/{id}',
    screen: 'docs-api-v2',
  },
];

/** Everything the page asked for, everything that failed, and every console message. */
function watch(page: Page) {
  const requested: string[] = [];
  const failed: string[] = [];
  const messages: string[] = [];
  const refused: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on(
    'response',
    (response) => void (response.status() >= 400 && refused.push(`${response.status()} ${response.url()}`)),
  );
  page.on('requestfailed', (request) => failed.push(`${request.url()} ${request.failure()?.errorText ?? ''}`));
  page.on('console', (message) => void messages.push(`${message.type()}: ${message.text()}`));
  page.on('pageerror', (error) => messages.push(`pageerror: ${error.message}`));
  return { requested, failed, messages, refused };
}

describe.skipIf(!hasChromium)(`review #17: the API reference at /docs in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startTestServer()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('lists the three documents at /docs, public, each with its reference and raw document', async () => {
    const page = await browser.newPage();
    const seen = watch(page);
    await page.goto(`${server.url}/docs`);
    expect(await textOf(page, 'h1')).toBe('API reference');
    for (const reference of REFERENCES) {
      expect(await page.locator(`a[href="${reference.path}"]`).textContent()).toBe(reference.title);
    }
    expect(await page.locator('a[href="/api/v2/openapi.json"]').count()).toBe(1);
    await checkLayout(page, 'docs-index');
    expect(seen.messages).toEqual([]);
    expect(seen.refused).toEqual([]);
    expect(seen.failed).toEqual([]);
    expect(seen.requested.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
    await page.close();
  });

  for (const reference of REFERENCES) {
    it(`renders ${reference.path} with Swagger UI under the strict CSP, loading nothing from elsewhere`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const seen = watch(page);
      const answer = await page.goto(`${server.url}${reference.path}`);
      expect(answer?.headers()['content-security-policy']).toBe(
        "default-src 'self';img-src 'self' data:;style-src 'self';script-src 'self';object-src 'none';base-uri 'none';frame-ancestors 'none'",
      );
      // The operations list comes from the product's document, rendered by the page's scripts.
      const operation = page.locator('.opblock-summary-path', { hasText: reference.operation }).first();
      await operation.waitFor({ state: 'visible', timeout: 20_000 });
      expect(await textOf(page, '.information-container .title')).toContain(reference.info);
      // Named schemas are listed too, under their names.
      await page.locator('section.models').first().waitFor({ state: 'visible' });
      const titles = await page.locator('section.models .json-schema-2020-12__title').allTextContents();
      expect(titles).toContain(reference.schema);
      // Opening an operation shows its schema by name.
      await operation.click();
      await page.locator('.opblock.is-open').first().waitFor({ state: 'visible' });
      await page.screenshot({
        path: new URL(`../../test-results/screens/${reference.screen}-1280.png`, import.meta.url).pathname,
      });

      expect(seen.messages.filter((m) => /Content.Security.Policy|Refused to/i.test(m))).toEqual([]);
      expect(seen.messages.filter((m) => m.startsWith('error') || m.startsWith('pageerror'))).toEqual([]);
      expect(seen.refused).toEqual([]);
      expect(seen.failed).toEqual([]);
      expect(seen.requested.length).toBeGreaterThan(3);
      expect(seen.requested.filter((url) => !url.startsWith('data:') && new URL(url).hostname !== '127.0.0.1')).toEqual(
        [],
      );
      // The page loaded the product's own document.
      expect(seen.requested).toContain(`${server.url}${reference.path.replace('/docs', '')}/openapi.json`);
      await page.close();
    }, 60_000);
  }
});
