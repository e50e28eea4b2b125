import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost, type ApiClient } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';
import { startReceiver, verifySignature } from './support/webhook-receiver.ts';

type Hook = { id: string; secret: string; active: boolean; disabledReason?: string; consecutiveFailures: number };
const invitee = { name: 'Wes', email: 'wes@example.com', timezone: 'Europe/Paris' };

describe.each(testDialects())('signed webhooks (%s)', (dialect) => {
  let server: TestServer;
  let api: ApiClient;
  let eventTypeId: string;
  let secret = '';
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hook: Hook;
  const monday = mondayAhead('UTC', 3);
  let nextHour = 0;
  const book = () => {
    const start = utc(monday.plus({ days: Math.floor(nextHour / 8), hours: 9 + (nextHour++ % 8) }));
    return api.post<{ id: string }>('/bookings', { eventTypeId, start, invitee });
  };
  const drain = () => server.kernel.jobs.drain();
  const advance = async (seconds: number) => {
    server.clock.advance(seconds * 1000);
    await drain();
  };

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ({ api } = await newHost(server));
    eventTypeId = (await api.post('/event-types', { name: 'Demo', durations: [60] })).body.id as string;
    receiver = await startReceiver({ secret: () => secret, nowSeconds: () => Math.floor(server.clock.now() / 1000) });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('registers endpoints: https or loopback http in tests, known events only', async () => {
    for (const [url, ok] of [
      ['http://example.com/h', false],
      ['https://10.1.2.3/h', false],
      ['https://localhost/h', false],
      ['ftp://x/h', false],
      ['https://hooks.example.com/h', true],
    ] as const) {
      const res = await api.post<Hook>('/webhooks', { url });
      expect(res.status, url).toBe(ok ? 201 : 400);
      if (ok) await api.delete(`/webhooks/${res.body.id}`);
    }
    expect((await api.post('/webhooks', { url: receiver.url, events: ['booking_exploded'] })).status).toBe(400);
    const created = await api.post<Hook>('/webhooks', { url: receiver.url });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    hook = created.body;
    secret = hook.secret;
    const listed = await api.get<{ webhooks: Hook[] }>('/webhooks');
    expect(listed.body.webhooks).toHaveLength(1);
    expect(listed.body.webhooks[0]).not.toHaveProperty('secret');
  });

  it('delivers booking_created with the documented headers, envelope and signature', async () => {
    const booking = await book();
    await drain();
    const [delivery] = await receiver.waitFor(1);
    expect(delivery!.status).toBe(200);
    expect(delivery!.headers['x-caledee-event']).toBe('booking_created');
    expect(delivery!.headers['x-caledee-delivery-attempt']).toBe('1');
    expect(delivery!.headers['x-caledee-delivery-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivery!.headers['content-type']).toBe('application/json');
    expect(delivery!.body).toMatchObject({
      event: 'booking_created',
      attempt: 1,
      data: { id: booking.body.id, status: 'active', eventTypeName: 'Demo', invitee },
    });
    expect(Date.parse(delivery!.body.sentAt)).toBeGreaterThan(0);
    const header = delivery!.headers['x-caledee-signature'] as string;
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const now = Math.floor(server.clock.now() / 1000);
    expect(verifySignature(header, delivery!.rawBody, secret, now)).toBe(true);
    // A receiver rejects the same request once it is older than 300 s, or tampered with.
    expect(verifySignature(header, delivery!.rawBody, secret, now + 301)).toBe(false);
    expect(verifySignature(header, delivery!.rawBody.replace('Demo', 'Dem0'), secret, now)).toBe(false);
    expect(verifySignature(header, delivery!.rawBody, 'whsec_other', now)).toBe(false);
  });

  it('retries after 500s with exponential backoff and logs the delivery', async () => {
    receiver.answer([500, 500]);
    await book();
    await drain();
    await receiver.waitFor(2);
    await advance(29);
    expect(receiver.received).toHaveLength(2);
    await advance(2); // 30 s after the first failure
    await receiver.waitFor(3);
    await advance(59);
    expect(receiver.received).toHaveLength(3);
    await advance(2); // 60 s after the second failure
    const all = await receiver.waitFor(4);
    expect(all.slice(1).map((d) => [d.status, d.headers['x-caledee-delivery-attempt'], d.body.attempt])).toEqual([
      [500, '1', 1],
      [500, '2', 2],
      [200, '3', 3],
    ]);
    const log = await api.get<{
      deliveries: Array<{ id: string; status: string; attempts: number; lastStatusCode: number }>;
    }>(`/webhooks/${hook.id}/deliveries`);
    expect(log.body.deliveries[0]).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    // Every attempt carries the delivery's id, the one the log shows: receivers deduplicate by it.
    expect(all.slice(1).map((d) => d.headers['x-caledee-delivery-id'])).toEqual(
      Array(3).fill(log.body.deliveries[0]!.id),
    );
    expect(all[0]!.headers['x-caledee-delivery-id']).not.toBe(log.body.deliveries[0]!.id);
    expect(log.body.deliveries[1]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });

  it('sends booking_canceled, and booking_rescheduled with the new booking plus the old one canceled "Rescheduled."', async () => {
    const start = receiver.received.length;
    const booking = await book();
    await api.delete(`/bookings/${booking.body.id}?reason=No+longer+needed`);
    const other = await book();
    const moved = await api.post<{ id: string }>(`/bookings/${other.body.id}/reschedule`, {
      start: utc(monday.plus({ days: 4, hours: 16 })),
    });
    expect(moved.status).toBe(201);
    await drain();
    const events = (await receiver.waitFor(start + 5))
      .slice(start)
      .map((d) => [d.body.event, d.body.data.id, d.body.data.cancelReason]);
    expect(events).toEqual(
      expect.arrayContaining([
        ['booking_created', booking.body.id, undefined],
        ['booking_canceled', booking.body.id, 'No longer needed'],
        ['booking_created', other.body.id, undefined],
        ['booking_rescheduled', moved.body.id, undefined],
        ['booking_canceled', other.body.id, 'Rescheduled.'],
      ]),
    );
  });

  it('disables an endpoint after 15 consecutive failures and tells the host why', async () => {
    receiver.answer([], 500);
    const before = receiver.received.length;
    for (let i = 0; i < 3; i++) await book();
    await drain();
    for (const wait of [30, 60, 120, 240]) await advance(wait + 1);
    await receiver.waitFor(before + 15);
    const listed = await api.get<{ webhooks: Hook[] }>('/webhooks');
    expect(listed.body.webhooks[0]).toMatchObject({ active: false, consecutiveFailures: 15 });
    expect(listed.body.webhooks[0]!.disabledReason).toMatch(/15 consecutive failed deliveries.*HTTP 500/);
    await book();
    await advance(10_000);
    expect(receiver.received).toHaveLength(before + 15);
    // The delivery that hit the 15th failure failed; the others still waiting are skipped; no new ones are made.
    const log = await api.get<{ deliveries: Array<{ status: string }> }>(`/webhooks/${hook.id}/deliveries`);
    expect(
      log.body.deliveries
        .slice(0, 3)
        .map((d) => d.status)
        .sort(),
    ).toEqual(['failed', 'skipped', 'skipped']);
  });
});
