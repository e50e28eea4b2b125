import type { Page } from 'playwright-core';

/**
 * Ends the widget's "link your accounts" step through POST /connect/link/:id/continue, with the
 * page's own form token, from any widget page. The progress page's Continue leads to the
 * account-choice screen (GET /connect/link/:id/choose); flows that go on to consent use this
 * until that screen is part of the branch they run on.
 */
export async function finishLinkStep(page: Page): Promise<void> {
  const id = /\/connect\/link\/([^/?#]+)/.exec(page.url())?.[1];
  if (!id) throw new Error(`not a widget page: ${page.url()}`);
  await Promise.all([
    page.waitForNavigation(),
    page.evaluate((action) => {
      const csrf = document.querySelector<HTMLInputElement>('input[name="csrf"]')!.value;
      const form = document.createElement('form');
      form.method = 'post';
      form.action = action;
      const token = document.createElement('input');
      token.type = 'hidden';
      token.name = 'csrf';
      token.value = csrf;
      form.append(token);
      document.body.append(form);
      form.submit();
    }, `/connect/link/${id}/continue`),
  ]);
}
