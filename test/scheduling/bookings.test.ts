import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingRepository } from '../../src/scheduling/bookings/booking-repository.ts';
import { MAX_BUFFER_MIN, MAX_BUSY_MS, MAX_DURATION_MIN } from '../../src/scheduling/event-types/event-type.ts';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost, type ApiClient } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';

type Booking = {
  id: string;
  status: string;
  details?: unknown;
  message?: string;
  startAt: string;
  endAt: string;
  cancelReason?: string;
  rescheduledFromId?: string;
  rescheduledToId?: string;
  invitee: { email: string };
};
const invitee = { name: 'Ivy Invitee', email: 'ivy@example.com', timezone: 'America/New_York' };

describe.each(testDialects())('bookings through the API (%s)', (dialect) => {
  let server: TestServer;
  let api: ApiClient;
  let eventTypeId: string;
  const monday = mondayAhead('UTC');
  const slot = (day: number, hour: number, minute = 0) => utc(monday.plus({ days: day }).set({ hour, minute }));

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ({ api } = await newHost(server));
    eventTypeId = (
      await api.post('/event-types', {
        name: 'Consult',
        durations: [30, 60],
        bufferAfterMin: 15,
        slotIntervalMin: 15,
        location: { kind: 'phone', value: '+33 1 23 45 67 89' },
      })
    ).body.id as string;
  });
  afterAll(() => server.close());

  const book = (start: string, extra: Record<string, unknown> = {}) =>
    api.post<Booking>('/bookings', { eventTypeId, start, invitee, ...extra });

  it('books a free slot and refuses the same slot and its buffer a second time with 409', async () => {
    const first = await book(slot(0, 9));
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      status: 'active',
      startAt: slot(0, 9),
      endAt: slot(0, 9, 30),
      durationMin: 30,
      eventTypeName: 'Consult',
      location: { kind: 'phone', value: '+33 1 23 45 67 89' },
      invitee,
    });
    expect((await book(slot(0, 9))).status).toBe(409);
    const inBuffer = await book(slot(0, 9, 30));
    expect(inBuffer.status).toBe(409);
    expect(inBuffer.body).toMatchObject({ title: 'Conflict' });
    expect((await book(slot(0, 9, 45))).status).toBe(201);
    expect((await api.get<Booking>(`/bookings/${first.body.id}`)).body).toEqual(first.body);
  });

  it('refuses bookings outside availability, in the past, with bad fields or on another host’s event type', async () => {
    const outside = await book(slot(0, 20));
    expect(outside.status).toBe(400);
    expect(outside.body.details).toEqual([{ path: ['start'], message: 'not one of the available slots' }]);
    expect((await book(slot(5, 10))).status).toBe(400); // Saturday
    expect((await book(slot(0, 10, 7))).status).toBe(400); // not on the 15-minute grid
    const past = await book('2020-01-06T09:00:00Z');
    expect(past.status).toBe(400);
    expect(past.body.message).toMatch(/past/);
    const fields = await api.post('/bookings', {
      eventTypeId,
      start: 'tomorrow',
      durationMin: 45,
      invitee: { name: '', email: 'not-an-email', timezone: 'Moon/Base' },
    });
    expect(fields.status).toBe(400);
    expect((fields.body.details as Array<{ path: string[] }>).map((d) => d.path.join('.'))).toEqual([
      'start',
      'durationMin',
      'invitee.name',
      'invitee.email',
      'invitee.timezone',
    ]);
    const { api: other } = await newHost(server);
    expect((await other.post('/bookings', { eventTypeId, start: slot(1, 9), invitee })).status).toBe(404);
    expect((await other.get('/bookings/whatever')).status).toBe(404);
  });

  it('gives exactly one 201 and one 409 for two simultaneous bookings of one slot, every time', async () => {
    for (const hour of [10, 11, 12, 13]) {
      const answers = await Promise.all([
        book(slot(1, hour)),
        book(slot(1, hour)),
        book(slot(1, hour, 15), { durationMin: 30 }),
      ]);
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([201, 409, 409]);
    }
    const listed = await api.get<{ bookings: Booking[] }>(`/bookings?from=${slot(1, 0)}&to=${slot(2, 0)}`);
    expect(listed.body.bookings).toHaveLength(4);
  });

  it('pages newest first with nextCursor and filters by status and time', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { body: { bookings: Booking[]; nextCursor: string | null } } = await api.get(
        `/bookings?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.bookings.map((b) => b.startAt));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toHaveLength(6);
    expect([...seen].sort().reverse()).toEqual(seen);
    expect(pages).toBe(3);
    expect((await api.get('/bookings?cursor=garbage')).status).toBe(400);
    expect((await api.get('/bookings?limit=500')).status).toBe(400);
    expect((await api.get<{ bookings: Booking[] }>('/bookings?status=canceled')).body.bookings).toHaveLength(0);
    expect((await api.get<{ bookings: Booking[] }>('/bookings?status=past')).body.bookings).toHaveLength(0);
  });

  it('cancels idempotently', async () => {
    const made = await book(slot(2, 9));
    const first = await api.delete<Booking>(`/bookings/${made.body.id}?reason=Sick`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'canceled', cancelReason: 'Sick' });
    const again = await api.delete<Booking>(`/bookings/${made.body.id}?reason=Other`);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await book(slot(2, 9))).status).toBe(201); // the slot is free again
    expect(
      (await api.get<{ bookings: Booking[] }>('/bookings?status=canceled')).body.bookings.map((b) => b.id),
    ).toEqual([made.body.id]);
  });

  it('reschedules into a new booking, links both ways, and refuses canceled bookings and taken slots', async () => {
    const made = await book(slot(3, 9));
    const moved = await api.post<Booking>(`/bookings/${made.body.id}/reschedule`, {
      start: slot(3, 9, 15),
      reason: 'Traffic',
    });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      status: 'active',
      startAt: slot(3, 9, 15),
      rescheduledFromId: made.body.id,
      invitee,
    });
    const old = await api.get<Booking>(`/bookings/${made.body.id}`);
    expect(old.body).toMatchObject({
      status: 'canceled',
      cancelReason: 'Rescheduled.',
      rescheduledToId: moved.body.id,
    });
    const again = await api.post(`/bookings/${made.body.id}/reschedule`, { start: slot(3, 11) });
    expect(again.status).toBe(409);

    const blocker = await book(slot(3, 14));
    const taken = await api.post(`/bookings/${moved.body.id}/reschedule`, { start: slot(3, 14) });
    expect(taken.status).toBe(409);
    const outside = await api.post(`/bookings/${moved.body.id}/reschedule`, { start: slot(3, 22) });
    expect(outside.status).toBe(400);
    expect((await api.get<Booking>(`/bookings/${moved.body.id}`)).body.status).toBe('active');
    expect(
      (await api.get<{ bookings: Booking[] }>(`/bookings?from=${slot(3, 0)}&to=${slot(4, 0)}`)).body.bookings.map(
        (b) => b.id,
      ),
    ).toEqual([blocker.body.id, moved.body.id, made.body.id]);
    expect((await api.post('/bookings/nope/reschedule', { start: slot(3, 11) })).status).toBe(404);
  });

  it('enforces the daily limit inside the booking transaction', async () => {
    const limited = (await api.post('/event-types', { name: 'Limited', dailyLimit: 1, durations: [30] })).body
      .id as string;
    const answers = await Promise.all(
      [9, 11, 13].map((h) => api.post('/bookings', { eventTypeId: limited, start: slot(4, h), invitee })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  });

  // The overlap check reads only bookings that start after `from - MAX_BUSY_MS` (its index scan's
  // lower bound): the longest booking there can be must still be found to its last busy millisecond.
  it('finds a booking of the longest duration and buffers busy up to its last millisecond, and not after', async () => {
    expect(MAX_BUSY_MS).toBe((MAX_DURATION_MIN + 2 * MAX_BUFFER_MIN) * 60_000);
    const host = await newHost(server);
    const schedules = await host.api.get<{ schedules: Array<{ id: string }> }>('/schedules');
    const allWeek = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({
      day,
      start: '00:00',
      end: '24:00',
    }));
    const scheduleId = schedules.body.schedules[0]!.id;
    expect((await host.api.patch(`/schedules/${scheduleId}`, { weekly: allWeek })).status).toBe(200);
    const longest = await host.api.post<{ id: string }>('/event-types', {
      name: 'Longest',
      durations: [MAX_DURATION_MIN],
      bufferBeforeMin: MAX_BUFFER_MIN,
      bufferAfterMin: MAX_BUFFER_MIN,
    });
    expect(longest.status).toBe(201);
    const start = monday.set({ hour: 12 });
    const booked = await host.api.post('/bookings', { eventTypeId: longest.body.id, start: utc(start), invitee });
    expect(booked.status).toBe(201);
    const lastBusy = start.toMillis() - MAX_BUFFER_MIN * 60_000 + MAX_BUSY_MS - 1;
    const repository = new BookingRepository(server.kernel.database.db);
    expect(await repository.listBusy(host.userId, lastBusy, lastBusy + 60_000)).toHaveLength(1);
    expect(await repository.listBusy(host.userId, lastBusy + 1, lastBusy + 60_000)).toHaveLength(0);
  });
});
