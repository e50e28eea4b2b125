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
    // The page's script reopened it in the browser's own time zone.
    await page.waitForURL(/tz=America%2FNew_York/);
    expect(await page.locator('#tz').inputValue()).toBe('America/New_York');
    await page.locator('ul.days a').first().click();
    await page.locator('a.slot').first().click();
    await page.getByLabel('Your name').fill('Bea Browser');
    await page.getByLabel('Your email').fill('bea@example.com');
    await page.getByRole('button', { name: 'Book' }).click();
    await page.waitForURL(/\/booking\/[^/?]+\?token=/);
    expect(await page.locator('#booking-status').textContent()).toBe('Booked');
    expect(await page.content()).toContain('(America/New_York)');

    await server.kernel.jobs.drain();
    const mail = await smtp.waitForMessage('bea@example.com');
    const { text, ics } = bookingMail(mail.raw);
    expect(ics).toContain('BEGIN:VEVENT');
    const link = /https?:\/\/\S+\/booking\/\S+/.exec(text)![0];

    const fresh = await (await browser.newContext({ timezoneId: 'America/New_York' })).newPage();
    await fresh.goto(link);
    await fresh.getByLabel('Reason (optional)').fill('Something came up');
    await fresh.getByRole('button', { name: 'Cancel this meeting' }).click();
    await fresh.waitForLoadState();
    expect(await fresh.locator('#booking-status').textContent()).toBe('Canceled: Something came up');
    await server.kernel.jobs.drain();
    expect((await smtp.waitForMessage('bea@example.com')).subject).toMatch(/^Canceled/);
    await context.close();
  });
});
