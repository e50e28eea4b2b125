import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { checkLayout } from './chromium.ts';

const withoutScripts = new WeakSet<BrowserContext>();

/** A context whose pages run no JavaScript at all (the pages must work without it). */
export async function contextWithoutScripts(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({ ...options, javaScriptEnabled: false });
  withoutScripts.add(context);
  return context;
}

/**
 * The page as it stands, at 375 px and 1280 px: a screenshot of each under test-results/screens/,
 * no sideways scroll, and no axe-core violation (WCAG 2.0–2.2 A and AA rules and best practices).
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await checkLayout(page, name);
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const found = await axeViolations(page, width);
    expect(found, `axe on ${name} at ${width} px`).toEqual([]);
  }
}

/**
 * axe-core runs in the page and waits on timers, which a page without JavaScript never fires; so
 * such a page is checked as a copy: its DOM served at its own address to a page that may run
 * scripts but loads none of the site's (script requests are refused), with the same stylesheets.
 */
async function axeViolations(page: Page, width: number): Promise<string[]> {
  let target = page;
  let copy: BrowserContext | undefined;
  if (withoutScripts.has(page.context())) {
    copy = await page.context().browser()!.newContext();
    target = await copy.newPage();
    await target.setViewportSize({ width, height: 800 });
    const [url, body] = [page.url(), await page.content()];
    await target.route('**/*', (route) => {
      const request = route.request();
      if (request.resourceType() === 'document' && request.url() === url)
        return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
      if (request.resourceType() === 'script') return route.abort();
      return route.continue();
    });
    await target.goto(url);
  }
  try {
    const results = await new AxeBuilder({ page: target }).analyze();
    return results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  } finally {
    await copy?.close();
  }
}

/**
 * Presses Tab until the focused element matches the CSS `selector` (and has the visible `text`,
 * when given), at most `limit` times, as a keyboard user would.
 */
export async function tabTo(page: Page, selector: string, text?: string, limit = 120): Promise<void> {
  for (let i = 0; i < limit; i++) {
    const there = await page.evaluate(
      ([s, t]) => {
        const active = document.activeElement;
        return Boolean(active?.matches(s!)) && (t === undefined || active!.textContent?.trim() === t);
      },
      [selector, text] as const,
    );
    if (there) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}${text ? ` "${text}"` : ''}`);
}

/**
 * Waits until the focused element matches `selector`. Polls on a timer: animation frames stop
 * while a native control (a time field) holds focus in headless Chromium.
 */
export async function expectFocus(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((s) => document.activeElement?.matches(s) ?? false, selector, {
    timeout: 5_000,
    polling: 50,
  });
}

/**
 * The contrast between the focused element's focus ring (its outline) and the colour behind it
 * (the nearest ancestor with a background), by the WCAG formula; 0 when it has no visible ring.
 */
export async function focusRingContrast(page: Page): Promise<number> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element) return 0;
    const style = getComputedStyle(element);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) < 2) return 0;
    const rgba = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) =>
      [r!, g!, b!]
        .map((c) => c / 255)
        .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
        .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i]!, 0);
    let behind = [255, 255, 255];
    for (let node = element.parentElement; node; node = node.parentElement) {
      const background = rgba(getComputedStyle(node).backgroundColor);
      if (background.length >= 3 && (background[3] ?? 1) > 0) {
        behind = background;
        break;
      }
    }
    const [a, b] = [luminance(rgba(style.outlineColor)), luminance(behind)];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

/** The focused element shows a ring of at least 3:1 against what is behind it (WCAG 1.4.11). */
export async function expectVisibleFocus(page: Page): Promise<void> {
  const what = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
  expect(await focusRingContrast(page), `focus ring of ${what}`).toBeGreaterThanOrEqual(3);
}
