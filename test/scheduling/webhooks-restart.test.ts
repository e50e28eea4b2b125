import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabaseUrl, testDialects, type TestDialect } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { ApiClient, newHost } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';
import { startReceiver } from './support/webhook-receiver.ts';

async function sharedDatabase(dialect: TestDialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'postgres') return freshDatabaseUrl('postgres');
  const dir = mkdtempSync(join(tmpdir(), 'consentry-restart-'));
  return { url: `sqlite:${join(dir, 'db.sqlite')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each(testDialects())('webhook deliveries across a restart (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('loses nothing when the server stops in the middle of retries', async () => {
    const database = await sharedDatabase(dialect);
    cleanups.push(() => database.drop());
    let secret = '';
    let clockOf: TestServer | undefined;
    const receiver = await startReceiver({
      secret: () => secret,
      nowSeconds: () => Math.floor((clockOf?.clock.now() ?? Date.now()) / 1000),
    });
    cleanups.push(() => receiver.close());

    const first = await startTestServer({ dialect, databaseUrl: database.url });
    clockOf = first;
    const { api, userId } = await newHost(first);
    const eventTypeId = (await api.post('/event-types', { name: 'Durable', durations: [30] })).body.id as string;
    secret = (await api.post<{ secret: string }>('/webhooks', { url: receiver.url })).body.secret;
    receiver.answer([500, 503]);
    const booking = await api.post<{ id: string }>('/bookings', {
      eventTypeId,
      start: utc(mondayAhead('UTC').set({ hour: 10 })),
      invitee: { name: 'R', email: 'r@example.com', timezone: 'UTC' },
    });
    expect(booking.status).toBe(201);
    await first.kernel.jobs.drain();
    await receiver.waitFor(1);
    first.clock.advance(31_000);
    await first.kernel.jobs.drain();
    await receiver.waitFor(2);
    const skew = first.clock.now() - Date.now();
    await first.close(); // the third attempt is due in 60 s

    const second = await startTestServer({ dialect, databaseUrl: database.url });
    cleanups.push(() => second.close());
    clockOf = second;
    second.clock.advance(skew + 61_000);
    await second.kernel.jobs.drain();
    const all = await receiver.waitFor(3);
    expect(all.map((d) => [d.status, d.body.attempt, d.body.event, d.body.data.id])).toEqual([
      [500, 1, 'booking_created', booking.body.id],
      [503, 2, 'booking_created', booking.body.id],
      [200, 3, 'booking_created', booking.body.id],
    ]);
    const token = (
      await second.oauth.personalTokens.create({ userId, name: 'after restart', scopes: ['read:bookings'] })
    ).token;
    const log = await new ApiClient(second, token).get<{ webhooks: Array<{ id: string }> }>('/webhooks');
    const deliveries = await new ApiClient(second, token).get<{
      deliveries: Array<{ status: string; attempts: number }>;
    }>(`/webhooks/${log.body.webhooks[0]!.id}/deliveries`);
    expect(deliveries.body.deliveries).toEqual([expect.objectContaining({ status: 'succeeded', attempts: 3 })]);
  });
});
