import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PageAgent, findForm } from '../helpers/browser.ts';
import { startServerWithMail, type SmtpCapture } from '../helpers/oauth-server.ts';
import type { TestServer } from '../helpers/server.ts';
import { newHost } from './support/api.ts';
import { mondayAhead } from './support/dates.ts';
import { bookingMail } from './support/mime.ts';

const links = (html: string) => [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));

describe('review #4: public booking page abuse', () => {
  let server: TestServer;
  let smtp: SmtpCapture;
  let close: () => Promise<void>;
  const monday = mondayAhead('UTC', 3);
  let ip = 0;

  beforeAll(async () => {
    ({ server, smtp, close } = await startServerWithMail({
      env: {
        TRUST_PROXY: 'true',
        BOOKING_RATE_LIMIT_PER_MINUTE: '3',
        BOOKING_HOST_RATE_LIMIT_PER_MINUTE: '5',
        BOOKINGS_PER_INVITEE_PER_DAY: '2',
      },
    }));
  });
  afterAll(() => close());

  /** A host with one public 30-minute event type; books its `n`th Monday slot as a visitor from `address`. */
  async function newPage() {
    const { api } = await newHost(server);
    const url = (await api.post('/event-types', { name: 'Chat', durations: [30] })).body.url as string;
    const path = new URL(url).pathname;
    let n = 0;
    return async (address: string, invitee: { name: string; email: string }) => {
      const agent = new PageAgent(server.url);
      agent.headers = { 'x-forwarded-for': address };
      const landing = await (await agent.get(`${path}?tz=UTC&duration=30&date=${monday.toISODate()}`)).text();
      const slot = links(landing).filter((l) => l.includes('start='))[n++]!;
      const response = await agent.submit(await (await agent.get(slot)).text(), invitee, path);
      return { agent, response };
    };
  }

  it('limits booking and cancelling per IP address', async () => {
    const book = await newPage();
    expect((await book('10.0.0.1', { name: 'A', email: 'a1@example.com' })).response.status).toBe(303);
    const { agent, response } = await book('10.0.0.1', { name: 'A', email: 'a2@example.com' });
    expect(response.status).toBe(303);
    const manage = await (await agent.get(response.headers.get('location')!)).text();
    const cancel = findForm(manage, '/cancel');
    expect((await agent.post(cancel.action, { ...cancel.hidden, reason: 'x' })).status).toBe(303);
    const fourth = await book('10.0.0.1', { name: 'A', email: 'a3@example.com' });
    expect(fourth.response.status).toBe(429);
    expect(await fourth.response.text()).toContain('Too many requests');
    expect((await book('10.0.0.9', { name: 'B', email: 'b1@example.com' })).response.status).toBe(303);
  });

  it('limits bookings per host from all addresses together', async () => {
    const book = await newPage();
    for (let i = 0; i < 5; i++)
      expect((await book(`10.1.0.${++ip}`, { name: 'C', email: `c${i}@example.com` })).response.status).toBe(303);
    expect((await book(`10.1.0.${++ip}`, { name: 'C', email: 'c9@example.com' })).response.status).toBe(429);
    // Another host's page is not affected.
    expect((await (await newPage())(`10.1.0.${++ip}`, { name: 'C', email: 'c9@example.com' })).response.status).toBe(
      303,
    );
  });

  it('caps bookings per invitee address per host per day', async () => {
    const book = await newPage();
    expect((await book(`10.2.0.${++ip}`, { name: 'D', email: 'repeat@example.com' })).response.status).toBe(303);
    expect((await book(`10.2.0.${++ip}`, { name: 'D', email: 'Repeat@Example.com' })).response.status).toBe(303);
    const third = await book(`10.2.0.${++ip}`, { name: 'D', email: 'repeat@example.com' });
    expect(third.response.status).toBe(429);
    expect(await third.response.text()).toContain('Please try again tomorrow');
    server.clock.advance(24 * 3600_000 + 1000);
    expect((await book(`10.2.0.${++ip}`, { name: 'D', email: 'repeat@example.com' })).response.status).toBe(303);
  });

  it('keeps the invitee’s text out of the greeting: quoted and capped only', async () => {
    const book = await newPage();
    const name = 'Your account is locked, visit https://evil.example now ' + 'x'.repeat(120);
    expect((await book(`10.3.0.${++ip}`, { name, email: 'target@example.com' })).response.status).toBe(303);
    await server.kernel.jobs.drain();
    const { text } = bookingMail((await smtp.waitForMessage('target@example.com')).raw);
    const lines = text.split(/\r?\n/);
    expect(lines[0]).toBe('Hello,');
    const given = lines.find((l) => l.startsWith('Name given: '))!;
    expect(given).toMatch(/^Name given: “Your account is locked, visit https:\/\/evil\.example now x+…”$/);
    expect([...given.slice('Name given: “'.length, -2)].length).toBe(100);
    expect(lines.filter((l) => l.includes('evil.example'))).toEqual([given]);
  });
});
