import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Debian's chromium; CI installs it. Without it these files skip, saying why. */
export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
export const SKIP_NOTE = hasChromium ? '' : ` — SKIPPED: no ${CHROMIUM} (apt-get install chromium)`;

const SCREENS = new URL('../../../test-results/screens/', import.meta.url);

/** One headless browser per test file; each test opens its own context (its own cookies). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * Looks at the current page as a phone (375 px) and a desktop (1280 px): saves a full-page
 * screenshot of each under test-results/screens/ and fails if anything overflows sideways.
 */
export async function checkLayout(page: Page, name: string): Promise<void> {
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.screenshot({ path: new URL(`${name}-${width}.png`, SCREENS).pathname, fullPage: true });
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    expect(scrollWidth, `${name} overflows sideways at ${width} px`).toBeLessThanOrEqual(innerWidth);
  }
}

/** A stand-in for a third-party app's redirect URI: answers every GET with a small page. */
export async function startRedirectSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_request, response) =>
    response
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>Client</title><p>back at the app</p>'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Clicks something that submits a form or follows a link, and waits for the next page to load. */
export async function clickAndLoad(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

/** The visible text of the first element matching `selector`, whitespace collapsed. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
}
