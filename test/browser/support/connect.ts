import type { Page } from 'playwright-core';
import { clickAndLoad } from './chromium.ts';

/**
 * Ends the widget's "link your accounts" step as a person does, from any widget page: to the
 * sync progress page, its Continue to the account-choice screen, and "Share with …" with every
 * linked account ticked (as they are at first).
 */
export async function finishLinkStep(page: Page): Promise<void> {
  const id = /\/connect\/link\/([^/?#]+)/.exec(page.url())?.[1];
  if (!id) throw new Error(`not a widget page: ${page.url()}`);
  if (!new URL(page.url()).pathname.endsWith('/progress'))
    await page.goto(new URL(`/connect/link/${id}/progress`, page.url()).toString());
  await clickAndLoad(page, 'a:text-is("Continue")');
  await clickAndLoad(page, 'button:has-text("Share with")');
}
