import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * Signs in (or up) on the sign-in pages the way a keyboard user would: the address field has
 * focus on arrival, Enter submits, and the code field has focus on the next page.
 */
export async function signInWithKeyboard(
  page: Page,
  identifier: string,
  readCode: () => Promise<string>,
  screenshot?: (name: string) => Promise<void>,
): Promise<void> {
  await page.waitForURL(/\/signin\?/);
  await screenshot?.('signin');
  await expectFocusOn(page, 'identifier');
  await page.keyboard.type(identifier);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/signin\/code\?/);
  await screenshot?.('signin-code');
  await expectFocusOn(page, 'code');
  await page.keyboard.type(await readCode());
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
}

/** Autofocus lands once the page has settled, which on a busy machine can be after `load`: wait for it, then check. */
async function expectFocusOn(page: Page, id: string): Promise<void> {
  await page
    .waitForFunction((wanted) => document.activeElement?.id === wanted, id, { timeout: 5_000 })
    .catch(() => undefined);
  expect(await page.evaluate(() => document.activeElement?.id)).toBe(id);
}
