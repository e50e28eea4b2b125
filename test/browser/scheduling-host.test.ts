import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulingServices } from '../../src/scheduling/scheduling-services.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { mondayAhead } from '../scheduling/support/dates.ts';
import { checkPage, contextWithoutScripts, expectFocus, expectVisibleFocus, tabTo } from './support/axe.ts';
import { clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';
import { signInWithKeyboard } from './support/sign-in.ts';

describe.skipIf(!hasChromium)(`a host sets up scheduling in a real browser${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([launchChromium(), startServerWithMail()]);
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  /** Presses Enter on a link or button reached by Tab, and waits for the next page. */
  async function enter(page: Page, selector: string, text?: string): Promise<void> {
    await tabTo(page, selector, text);
    await expectVisibleFocus(page);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  }

  it('by keyboard alone: set-up with the browser’s zone, an event type with a refused field, hours, a zone fix, a date off, a booking canceled', async () => {
    const context = await browser.newContext({
      timezoneId: 'Europe/Paris',
      locale: 'en-GB',
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/scheduling`);
    await signInWithKeyboard(page, 'keyboard-host@example.com', () => smtp.waitForCode('keyboard-host@example.com'));
    await page.waitForURL(/\/scheduling\/setup$/);

    // The first visit: the zone suggested from the browser, weekly hours with a switch per day.
    expect(await page.inputValue('#timezone')).toBe('Europe/Paris');
    expect(await textOf(page, '#timezone-hint')).toContain('Suggested from your browser: Europe/Paris.');
    await checkPage(page, 'host-setup');
    await tabTo(page, '#sat-on');
    await expectVisibleFocus(page);
    await page.keyboard.press('Space');
    await page.waitForSelector('#sat-0-start');
    expect(await page.inputValue('#sat-0-end')).toBe('17:00');
    await tabTo(page, 'button[value="remove:sat:0"]');
    await page.keyboard.press('Enter');
    expect(await page.locator('#sat-0-start').count()).toBe(0);
    await tabTo(page, 'button[value="add:mon"]');
    await page.keyboard.press('Enter');
    await expectFocus(page, '#mon-1-start');
    await tabTo(page, '#mon-1-end'); // Tab also walks a time field's hour and minute parts
    await expectVisibleFocus(page);
    await page.keyboard.type('1900');
    expect(await page.inputValue('#mon-1-end')).toBe('19:00');
    // The new range starts where the first ended (17:00): 17:00–19:00 on Mondays.
    await enter(page, 'button', 'Save and continue');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/scheduling?saved=setup');
    expect(await textOf(page, '.notice.saved')).toContain('You are set up.');
    expect(await page.getAttribute('header nav a[href="/scheduling"]', 'aria-current')).toBe('page');
    await checkPage(page, 'host-event-types-empty');

    // A new event type: a refused field says why beside it, keeps what was typed, and has focus.
    await enter(page, 'a[href="/scheduling/event-types/new"]');
    await expectFocus(page, '#et-name');
    await page.keyboard.type('Intro call');
    await tabTo(page, '#et-after');
    await page.keyboard.type('9999');
    await enter(page, 'button', 'Create event type');
    await expectFocus(page, '#et-after');
    expect(await page.getAttribute('#et-after', 'aria-invalid')).toBe('true');
    expect(await textOf(page, '#et-after-error')).toBe('Must be a whole number from 0 to 720.');
    expect(await page.inputValue('#et-name')).toBe('Intro call');
    await checkPage(page, 'host-event-type-refused');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('10');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(await textOf(page, '.notice.saved')).toBe('Event type created.');
    const host = await schedulingServices(
      server.kernel,
      server.oauth,
      server.accounts,
      server.app.log,
    ).hosts.findBySlug(new URL((await page.getAttribute('#host-link', 'href'))!).pathname.slice(1));
    const link = `${server.url}/${host!.slug}/intro-call`;
    await tabTo(page, `button[data-copy="${link}"]`);
    await expectVisibleFocus(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`[role="status"]:text-is("Copied")`);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await checkPage(page, 'host-event-types');

    // Availability: the schedule's hours, a zone set apart from the host's, then the one-click fix.
    await enter(page, '.tabs a[href="/scheduling/availability"]');
    expect(await textOf(page, '.rows')).toContain('Mon 09:00–17:00, 17:00–19:00');
    await checkPage(page, 'host-availability');
    await enter(page, 'a[href^="/scheduling/schedules/"]');
    await tabTo(page, '#sc-tz');
    await page.keyboard.type('london');
    await page.waitForSelector('#sc-tz-listbox [role="option"]');
    await page.keyboard.press('Enter');
    expect(await page.inputValue('#sc-tz')).toBe('Europe/London');
    await enter(page, 'button', 'Save hours');
    expect(await textOf(page, '.notice.saved')).toBe('Hours saved.');
    expect(await textOf(page, '.warning')).toContain(
      'These hours are in Europe/London, but your time zone is Europe/Paris.',
    );
    await checkPage(page, 'host-schedule-zone-warning');
    await enter(page, '.warning button');
    expect(await textOf(page, '.notice.saved')).toBe('The schedule now uses your time zone.');
    expect(await page.locator('.warning').count()).toBe(0);

    // A date off: the date typed into a date field.
    const christmas = mondayAhead('Europe/Paris', 3);
    await tabTo(page, '#ov-date');
    await expectVisibleFocus(page);
    await page.keyboard.type(christmas.toFormat('MMddyyyy')); // the field's order follows Chromium's own locale (US)
    expect(await page.inputValue('#ov-date')).toBe(christmas.toISODate());
    await tabTo(page, 'input[name="closed"]');
    await page.keyboard.press('Space');
    await enter(page, 'button', 'Add override');
    expect(await textOf(page, '.notice.saved')).toBe('Date override saved.');
    expect(await textOf(page, 'main')).toContain(`${christmas.toFormat('ccc d LLL yyyy')}: closed`);
    await checkPage(page, 'host-schedule');

    // A booking, then cancelling it: a step that asks first.
    const s = schedulingServices(server.kernel, server.oauth, server.accounts, server.app.log);
    const eventType = (await s.eventTypes.list(host!.userId))[0]!;
    const start = mondayAhead('Europe/Paris', 2).set({ hour: 10 });
    await s.bookings.create(eventType, {
      start: start.toUTC().toISO()!,
      invitee: { name: 'Ivy Invitee', email: 'ivy@example.com', timezone: 'Europe/Berlin' },
    });
    await enter(page, '.tabs a[href="/scheduling/bookings"]');
    expect(await textOf(page, '.rows')).toContain('Intro call with Ivy Invitee');
    expect(await textOf(page, '.rows')).toContain(`${start.toFormat('d LLLL yyyy')}, ${start.toFormat('HH:mm')} – `);
    await checkPage(page, 'host-bookings');
    await enter(page, 'a[href$="/cancel"]');
    expect(await textOf(page, 'h1')).toBe('Cancel this booking?');
    await checkPage(page, 'host-booking-cancel');
    await tabTo(page, '#reason');
    await page.keyboard.type('Travelling');
    await enter(page, 'button', 'Yes, cancel the booking');
    expect(await textOf(page, '.notice.saved')).toBe('Booking canceled. The invitee is told by email.');
    expect(await textOf(page, 'main')).toContain('Canceled: Travelling');

    await enter(page, '.tabs a[href="/scheduling/webhooks"]');
    await checkPage(page, 'host-webhooks');
    await context.close();
  }, 180_000);

  it('works without JavaScript: set-up, adding hours by round trip, a refused zone, an event type', async () => {
    const context = await contextWithoutScripts(browser, { locale: 'en-US', timezoneId: 'America/New_York' });
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${server.url}/scheduling`);
    await signInWithKeyboard(page, 'plain-host@example.com', () => smtp.waitForCode('plain-host@example.com'));
    await page.waitForURL(/\/scheduling\/setup$/);
    await checkPage(page, 'host-nojs-setup');
    await clickAndLoad(page, 'button[value="add:mon"]');
    expect(await page.inputValue('#mon-1-start')).toBe('17:00');
    expect(await page.inputValue('#mon-1-end')).toBe('18:00');
    await clickAndLoad(page, 'button[value="remove:mon:1"]');
    expect(await page.locator('#mon-1-start').count()).toBe(0);
    await page.fill('#timezone', 'Gotham');
    await clickAndLoad(page, 'button:not([aria-hidden]):text-is("Save and continue")');
    expect(await textOf(page, '#timezone-error')).toContain('We don’t know the time zone “Gotham”.');
    expect(await page.getAttribute('#timezone', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('timezone');
    await checkPage(page, 'host-nojs-setup-refused');
    await page.fill('#timezone', 'new york');
    await clickAndLoad(page, 'button:not([aria-hidden]):text-is("Save and continue")');
    expect(await textOf(page, '.notice.saved')).toContain('You are set up.');
    await checkPage(page, 'host-nojs-event-types');
    expect(await page.isHidden('button[data-copy]')).toBe(true);

    await clickAndLoad(page, 'a[href="/scheduling/event-types/new"]');
    await page.fill('#et-name', 'Quick chat');
    await page.fill('#et-durations', '15, 30');
    await clickAndLoad(page, 'button:not([aria-hidden]):text-is("Create event type")');
    expect(await textOf(page, '.rows')).toContain('Quick chat');
    await clickAndLoad(page, '.rows a:has-text("Edit")');
    expect(await page.inputValue('#et-durations')).toBe('15, 30');
    await checkPage(page, 'host-nojs-event-type-edit');
    await page.fill('#et-durations', '15, 30, 45');
    await clickAndLoad(page, 'button:not([aria-hidden]):text-is("Save")');
    expect(await textOf(page, '.notice.saved')).toBe('Event type saved.');
    expect(await textOf(page, '.rows')).toContain('15 or 30 or 45 min');
    // Delete asks first, on a page of its own; "Keep it" leaves the event type alone.
    await clickAndLoad(page, '.rows a:has-text("Delete")');
    expect(await textOf(page, 'h1')).toBe('Delete Quick chat?');
    await checkPage(page, 'host-nojs-event-type-delete');
    await clickAndLoad(page, 'a:text-is("Keep it")');
    expect(await textOf(page, '.rows')).toContain('Quick chat');

    // Webhooks: the secret shown once, then the endpoint and its delivery log.
    await clickAndLoad(page, '.tabs a[href="/scheduling/webhooks"]');
    await page.fill('#wh-url', 'https://hooks.example.com/in');
    await clickAndLoad(page, 'button:text-is("Add webhook")');
    expect(await textOf(page, '#webhook-secret')).toMatch(/^whsec_/);
    await checkPage(page, 'host-nojs-webhook-added');
    await clickAndLoad(page, 'a:text-is("Back")');
    expect(new URL(page.url()).pathname).toBe('/scheduling/webhooks');
    await clickAndLoad(page, 'a:text-is("Delivery log")');
    expect(await textOf(page, 'h1')).toBe('Deliveries to https://hooks.example.com/in');
    await checkPage(page, 'host-nojs-webhook-log');
    await clickAndLoad(page, 'a:text-is("Back")');
    await clickAndLoad(page, 'button:has-text("Remove")');
    expect(await textOf(page, '.notice.saved')).toBe('Webhook removed.');
    await clickAndLoad(page, '.tabs a[href="/scheduling/availability"]');
    expect(await textOf(page, '.rows')).toContain('America/New_York');
    await clickAndLoad(page, 'a[href^="/scheduling/schedules/"]');
    await checkPage(page, 'host-nojs-schedule');
    await page.fill('#ooo-from', mondayAhead('America/New_York', 4).toISODate()!);
    await page.fill('#ooo-to', mondayAhead('America/New_York', 4).minus({ days: 2 }).toISODate()!);
    await clickAndLoad(page, 'button:not([aria-hidden]):text-is("Block these dates")');
    expect(await textOf(page, '#ooo-to-error')).toBe('The last day cannot come before the first.');
    await checkPage(page, 'host-nojs-ooo-refused');
    await context.close();
  }, 180_000);
});
