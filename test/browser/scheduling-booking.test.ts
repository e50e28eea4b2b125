import { DateTime } from 'luxon';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schedulingServices } from '../../src/scheduling/scheduling-services.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { newHost } from '../scheduling/support/api.ts';
import { bookingMail } from '../scheduling/support/mime.ts';
import { mondayAhead } from '../scheduling/support/dates.ts';
import { checkPage, contextWithoutScripts, expectFocus, expectVisibleFocus, tabTo } from './support/axe.ts';
import { clickAndLoad, hasChromium, launchChromium, SKIP_NOTE, textOf } from './support/chromium.ts';

const NEW_YORK = { timezoneId: 'America/New_York', locale: 'en-US' };
const ICS_TIME = "yyyyMMdd'T'HHmmss'Z'";

describe.skipIf(!hasChromium)(`booking a host in Paris from New York${SKIP_NOTE}`, () => {
  let browser: Browser;
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;

  beforeAll(async () => {
    [browser, { server, smtp, close }] = await Promise.all([
      launchChromium(),
      startServerWithMail({ env: { BOOKING_RATE_LIMIT_PER_MINUTE: '100' } }),
    ]);
    const { api, userId } = await newHost(server, { name: 'Paris Host' });
    const s = schedulingServices(server.kernel, server.oauth, server.accounts, server.app.log);
    await s.hosts.update(userId, { slug: 'paris-host', timezone: 'Europe/Paris' });
    const schedules = await api.get<{ schedules: Array<{ id: string }> }>('/schedules');
    await api.patch(`/schedules/${schedules.body.schedules[0]!.id}`, { timezone: 'Europe/Paris' });
    await api.post('/event-types', {
      name: 'Coffee chat',
      slug: 'coffee',
      durations: [30, 60],
      description: 'A first talk.',
      location: { kind: 'in_person', value: 'Café de Flore' },
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  /** Monday two weeks ahead, 09:00 in Paris: the first free time that day. */
  const parisNine = () => mondayAhead('Europe/Paris').set({ hour: 9 });
  const inNewYork = (dt: DateTime) => dt.setZone('America/New_York');
  /** Pages forward by month until `date` can be chosen, then opens its times (no scripts). */
  const openDayWithoutScripts = async (page: Page, date: string) => {
    while (!(await page.locator(`td[data-date="${date}"] a`).count()))
      await clickAndLoad(page, 'a.month-nav[rel=next]');
    await clickAndLoad(page, `td[data-date="${date}"] a`);
  };

  it('books from the calendar by keyboard alone, shows New York times in 12 hours, adds to calendars and cancels after confirming', async () => {
    const context = await browser.newContext(NEW_YORK);
    const page = await context.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/paris-host`);
    expect(await textOf(page, 'h1')).toBe('Book a meeting with Paris Host');
    await checkPage(page, 'booking-host-page');
    await tabTo(page, 'a[href="/paris-host/coffee"]');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForURL(/\/paris-host\/coffee/), page.keyboard.press('Enter')]);

    // The server could only guess (UTC); the script shows the browser's zone and keeps it.
    await page.waitForSelector('#booker[data-zone="America/New_York"]');
    expect(await textOf(page, '#tz-hint')).toBe('Times are shown in America/New_York (UTC-05:00).');
    expect(new URL(page.url()).searchParams.get('tz')).toBe('America/New_York');
    await checkPage(page, 'booking-calendar');

    // One tab stop into the month, then arrow keys to the Monday (across the month's edge if needed).
    const start = parisNine();
    const target = start.toISODate()!;
    await tabTo(page, 'table.month td[tabindex="0"]');
    await expectVisibleFocus(page);
    expect(await page.getAttribute('table.month', 'role')).toBe('grid');
    await moveInGrid(page, target);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`td.selected[data-date="${target}"][aria-selected="true"]`);
    await expectFocus(page, `td[data-date="${target}"]`);
    const local = inNewYork(start);
    expect(await textOf(page, '#slots-heading')).toBe(local.toFormat('cccc, LLLL d'));
    await page.keyboard.press('Tab');
    await expectFocus(page, 'a.slot');
    await expectVisibleFocus(page);
    expect(await textOf(page, ':focus')).toBe(local.toFormat('h:mm a'));
    await page.keyboard.press('Enter');

    // The details step: the time in New York, 12-hour; name and email by keyboard.
    await expectFocus(page, '#name');
    await expectVisibleFocus(page);
    const when = await textOf(page, '.when');
    expect(when).toContain(local.toFormat('cccc, LLLL d, yyyy'));
    expect(when).toContain(`${local.toFormat('h:mm a')} – ${local.plus({ minutes: 30 }).toFormat('h:mm a')}`);
    expect(when).toContain('America/New_York');
    await checkPage(page, 'booking-details');
    await page.keyboard.type('Bea Browser');
    await page.keyboard.press('Tab');
    await page.keyboard.type('bea@example.com');
    await Promise.all([page.waitForURL(/\/booking\/[^/?]+\?token=/), page.keyboard.press('Enter')]);

    // "You are scheduled", the New York time, where the email went, and the calendar links.
    expect(await textOf(page, 'h1')).toBe('You are scheduled');
    expect(await textOf(page, '#email-note')).toContain('bea@example.com');
    const summary = await textOf(page, 'dl.summary');
    expect(summary).toContain(`${local.toFormat('h:mm a')} – ${local.plus({ minutes: 30 }).toFormat('h:mm a')}`);
    expect(summary).toContain('America/New_York (UTC-05:00)');
    expect(summary).toContain('In person: Café de Flore');
    await checkPage(page, 'booking-scheduled');
    const end = start.plus({ minutes: 30 });
    const google = new URL((await page.getAttribute('#add-google', 'href'))!);
    expect(google.origin + google.pathname).toBe('https://calendar.google.com/calendar/render');
    expect(google.searchParams.get('action')).toBe('TEMPLATE');
    expect(google.searchParams.get('dates')).toBe(
      `${start.toUTC().toFormat(ICS_TIME)}/${end.toUTC().toFormat(ICS_TIME)}`,
    );
    expect(google.searchParams.get('text')).toBe('Coffee chat with Paris Host');
    expect(google.searchParams.get('details')).not.toContain('token=');
    const outlook = new URL((await page.getAttribute('#add-outlook', 'href'))!);
    expect(outlook.host).toBe('outlook.live.com');
    expect(outlook.searchParams.get('startdt')).toBe(start.toUTC().toISO({ suppressMilliseconds: true }));
    expect(outlook.searchParams.get('enddt')).toBe(end.toUTC().toISO({ suppressMilliseconds: true }));
    const icsAnswer = await context.request.get(
      new URL((await page.getAttribute('#add-ics', 'href'))!, page.url()).href,
    );
    expect(icsAnswer.headers()['content-type']).toBe('text/calendar; charset=utf-8');
    const ics = await icsAnswer.text();
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics).toContain(`DTSTART:${start.toUTC().toFormat(ICS_TIME)}`);
    expect(ics).toContain(`DTEND:${end.toUTC().toFormat(ICS_TIME)}`);
    expect(ics).toContain('SUMMARY:Coffee chat with Paris Host');

    await server.kernel.jobs.drain();
    const mail = await smtp.waitForMessage('bea@example.com');
    expect(mail.subject).toBe('Confirmed: Coffee chat with Paris Host');
    expect(bookingMail(mail.raw).text).toContain(
      `${local.toFormat('h:mm a')} (${local.toFormat('HH:mm')}), America/New_York time`,
    );

    // Cancel: a dialog asks first; "Yes, cancel" by keyboard.
    await tabTo(page, '#cancel-link');
    await expectVisibleFocus(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#cancel-dialog[open]');
    await expectFocus(page, '#dialog-reason');
    await checkPage(page, 'booking-cancel-dialog');
    await page.keyboard.type('Something came up');
    await page.keyboard.press('Tab');
    await expectFocus(page, 'button.danger');
    await expectVisibleFocus(page);
    await Promise.all([page.waitForURL(/\/booking\/[^/?]+\?token=/), page.keyboard.press('Enter')]);
    await page.waitForSelector('h1:text-is("This meeting is canceled")');
    expect(await textOf(page, 'main')).toContain('Reason given: Something came up');
    await checkPage(page, 'booking-canceled');
    await server.kernel.jobs.drain();
    expect((await smtp.waitForMessage('bea@example.com')).subject).toBe('Canceled: Coffee chat with Paris Host');
    await context.close();
  }, 120_000);

  it('finds a zone by typing a city, shows its time and offset, and switches to a 24-hour clock', async () => {
    const context = await browser.newContext(NEW_YORK);
    const page = await context.newPage();
    await page.goto(`${server.url}/paris-host/coffee?date=${parisNine().toISODate()}`);
    await page.waitForSelector('#booker[data-zone="America/New_York"]');
    await tabTo(page, '#tz');
    await expectVisibleFocus(page);
    expect(await page.getAttribute('#tz', 'role')).toBe('combobox');
    await page.keyboard.type('tokyo');
    const option = page.locator('#tz-listbox [role="option"]').first();
    expect(await option.textContent()).toMatch(/^Tokyo \(Asia\) \d{1,2}:\d{2} [AP]M · UTC\+09:00$/);
    expect(await page.getAttribute('#tz', 'aria-activedescendant')).toBe('tz-option-0');
    await checkPage(page, 'booking-zone-search');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#booker[data-zone="Asia/Tokyo"]');
    await expectFocus(page, '#tz');
    // A new zone opens on its first free day, which depends on the hour this runs (after 09:00
    // in Paris on a weekday, today's 10:00): the Monday is asked for again, in Tokyo.
    expect(new URL(page.url()).searchParams.get('date')).toBeNull();
    const monday = new URL(page.url());
    monday.searchParams.set('date', parisNine().toISODate()!);
    await page.goto(monday.href);
    await page.waitForSelector('#booker[data-zone="Asia/Tokyo"]');
    const tokyo = parisNine().setZone('Asia/Tokyo');
    expect(await textOf(page, 'a.slot')).toBe(tokyo.toFormat('h:mm a'));

    await tabTo(page, '.switch a[href*="clock=24h"]');
    await expectVisibleFocus(page);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#booker[data-clock="h23"]');
    await expectFocus(page, '.switch a[aria-current="true"]');
    expect(await textOf(page, 'a.slot')).toBe(tokyo.toFormat('HH:mm'));
    expect(new URL(page.url()).searchParams.get('clock')).toBe('24h');
    await checkPage(page, 'booking-24-hour');

    // The duration switch changes the times in place too.
    await page.click('.switch a:has-text("60 min")');
    await page.waitForSelector('.switch a[aria-current="true"]:has-text("60 min")');
    expect(await page.locator('a.slot').count()).toBeGreaterThan(0);
    await context.close();
  });

  it('works without JavaScript: zone by city, a refused email kept and marked, reschedule, cancel on its own page', async () => {
    const context = await contextWithoutScripts(browser, NEW_YORK);
    const page = await context.newPage();
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${server.url}/paris-host/coffee`);
    expect(await textOf(page, '#tz-hint')).toBe('Times are shown in UTC (UTC+00:00).');
    await checkPage(page, 'booking-nojs-calendar');
    await page.fill('#tz', 'new york');
    await clickAndLoad(page, 'button:has-text("Change")');
    expect(await textOf(page, '#tz-hint')).toContain('America/New_York');

    const start = parisNine();
    await openDayWithoutScripts(page, start.toISODate()!);
    const local = inNewYork(start);
    await clickAndLoad(page, `a.slot:text-is("${local.toFormat('h:mm a')}")`);
    await page.fill('#name', 'Nora Nojs');
    await page.fill('#email', 'nora@example');
    await clickAndLoad(page, 'button:has-text("Confirm booking")');
    expect(await page.getAttribute('#email', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#email', 'aria-describedby')).toContain('email-error');
    expect(await textOf(page, '#email-error')).toBe('Enter your email address, like name@example.com.');
    expect(await page.inputValue('#email')).toBe('nora@example');
    expect(await page.inputValue('#name')).toBe('Nora Nojs');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('email');
    await checkPage(page, 'booking-nojs-refused-email');
    await page.fill('#email', 'nora@example.com');
    await clickAndLoad(page, 'button:has-text("Confirm booking")');
    expect(await textOf(page, 'h1')).toBe('You are scheduled');
    const first = page.url();

    // Reschedule: its own page with the calendar, then "Move to this time?".
    await clickAndLoad(page, '#reschedule-link');
    expect(await textOf(page, 'h1')).toBe('Reschedule Coffee chat');
    await checkPage(page, 'booking-nojs-reschedule');
    // The calendar opens on the first day with free times, which is today on a weekday morning.
    await openDayWithoutScripts(page, start.toISODate()!);
    const later = local.plus({ hours: 2 });
    await clickAndLoad(page, `a.slot:text-is("${later.toFormat('h:mm a')}")`);
    expect(await textOf(page, '#move-heading')).toBe('Move to this time?');
    await checkPage(page, 'booking-nojs-reschedule-confirm');
    await clickAndLoad(page, 'button:has-text("Reschedule to this time")');
    expect(await textOf(page, 'h1')).toBe('You are scheduled');
    expect(await textOf(page, 'main')).toContain('Moved to this new time');
    expect(await textOf(page, 'dl.summary')).toContain(later.toFormat('h:mm a'));
    await checkPage(page, 'booking-nojs-moved-to');

    // Cancel: a page that asks first.
    await clickAndLoad(page, '#cancel-link');
    expect(await textOf(page, 'h1')).toBe('Cancel this meeting?');
    await checkPage(page, 'booking-nojs-cancel-step');
    await clickAndLoad(page, 'button:has-text("Yes, cancel the meeting")');
    expect(await textOf(page, 'h1')).toBe('This meeting is canceled');
    await page.goto(first);
    expect(await textOf(page, 'h1')).toBe('This meeting was moved');
    await checkPage(page, 'booking-nojs-moved');
    await context.close();
  }, 120_000);

  it('says so when the time was taken meanwhile, and when a booking link is wrong', async () => {
    const context = await contextWithoutScripts(browser, NEW_YORK);
    const page = await context.newPage();
    const start = parisNine().plus({ hours: 4 });
    await page.goto(`${server.url}/paris-host/coffee?tz=America/New_York&start=${start.toUTC().toISO()}`);
    await page.fill('#name', 'Slow Sam');
    await page.fill('#email', 'sam@example.com');
    const s = schedulingServices(server.kernel, server.oauth, server.accounts, server.app.log);
    const found = await s.eventTypes.findPublic('paris-host', 'coffee');
    await s.bookings.create(found!.eventType, {
      start: start.toUTC().toISO()!,
      invitee: { name: 'Quick Quinn', email: 'quinn@example.com', timezone: 'Europe/Paris' },
    });
    await clickAndLoad(page, 'button:has-text("Confirm booking")');
    expect(await textOf(page, '[role="alert"]')).toBe('That time was just taken. Please pick another one.');
    // Back on that day: its other times are listed, the taken one is not.
    expect(await textOf(page, '#slots-heading')).toBe(inNewYork(start).toFormat('cccc, LLLL d'));
    expect(await page.locator(`a.slot:text-is("${inNewYork(start).toFormat('h:mm a')}")`).count()).toBe(0);
    expect(
      await page.locator(`a.slot:text-is("${inNewYork(start).plus({ hours: 1 }).toFormat('h:mm a')}")`).count(),
    ).toBe(1);
    await checkPage(page, 'booking-nojs-taken');
    const wrong = await page.goto(`${server.url}/booking/nothing?token=forged`);
    expect(wrong?.status()).toBe(404);
    await checkPage(page, 'booking-bad-link');
    await context.close();
  }, 120_000);
});

/** Arrow keys from the focused day to `target` ("2026-12-07"), through the next month if needed. */
async function moveInGrid(page: Page, target: string): Promise<void> {
  for (let presses = 0; presses < 60; presses++) {
    const current = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.date);
    if (!current) throw new Error('focus left the calendar');
    if (current === target) return;
    const days = DateTime.fromISO(target).diff(DateTime.fromISO(current), 'days').days;
    await page.keyboard.press(days >= 7 ? 'ArrowDown' : days > 0 ? 'ArrowRight' : days <= -7 ? 'ArrowUp' : 'ArrowLeft');
    await page.waitForFunction((was) => {
      const date = (document.activeElement as HTMLElement | null)?.dataset.date;
      return Boolean(date) && date !== was;
    }, current);
  }
  throw new Error(`never reached ${target}`);
}
