import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { newHost } from './support/api.ts';
import { bookingMail } from './support/mime.ts';

describe.each(testDialects())('booking page in a real browser (%s)', (dialect) => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  let browser: Browser;
  let pagePath: string;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({ dialect }));
    const { api } = await newHost(server, { name: 'Browser Host' });
    const eventType = await api.post<{ url: string }>('/event-types', {
      name: 'Video call',
      durations: [30],
      location: { kind: 'link', value: 'https://meet.example.com/x' },
    });
    pagePath = new URL(eventType.body.url).pathname;
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await close();
  });

  it('an invitee in New York books a slot, gets the email and cancels through its link', async () => {
    const context = await browser.newContext({ timezoneId: 'America/New_York', locale: 'en-US' });
    const page = await context.newPage();
    await page.goto(server.url + pagePath);
    // The page's script shows it in the browser's own time zone.
    await page.waitForURL(/tz=America%2FNew_York/);
    expect(await page.locator('#tz').inputValue()).toBe('America/New_York');
    await page.locator('table.month td.open a').first().click();
    await page.waitForSelector('td.selected[aria-selected="true"]');
    await page.locator('a.slot').first().click();
    await page.getByLabel('Your name').fill('Bea Browser');
    await page.getByLabel('Your email').fill('bea@example.com');
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.waitForURL(/\/booking\/[^/?]+\?token=/);
    expect(await page.locator('#booking-status').textContent()).toBe('You are scheduled');
    expect(await page.locator('dl.summary').textContent()).toContain('America/New_York');

    await server.kernel.jobs.drain();
    const mail = await smtp.waitForMessage('bea@example.com');
    const { text, ics } = bookingMail(mail.raw);
    expect(ics).toContain('BEGIN:VEVENT');
    const link = /https?:\/\/\S+\/booking\/\S+/.exec(text)![0];

    const fresh = await (await browser.newContext({ timezoneId: 'America/New_York' })).newPage();
    await fresh.goto(link);
    await fresh.getByRole('link', { name: 'Cancel the meeting' }).click();
    await fresh.getByLabel(/Reason for cancelling/).fill('Something came up');
    await fresh.getByRole('button', { name: 'Yes, cancel the meeting' }).click();
    await fresh.waitForSelector('#booking-status:text-is("This meeting is canceled")');
    expect(await fresh.locator('main').textContent()).toContain('Reason given: Something came up');
    await server.kernel.jobs.drain();
    expect((await smtp.waitForMessage('bea@example.com')).subject).toMatch(/^Canceled/);
    await context.close();
  });
});
