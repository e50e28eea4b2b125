import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookingRepository } from '../../src/scheduling/bookings/booking-repository.ts';
import { MAX_BUFFER_MIN, MAX_BUSY_MS, MAX_DURATION_MIN } from '../../src/scheduling/event-types/event-type.ts';
import { testDialects } from '../helpers/database.ts';
import { planReader, type PlanReader } from '../helpers/query-plans.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';

// A booking's overlap check reads the host's bookings whose busy range meets the slot's. It once
// read every booking the host had before the slot to test each one's end: a scan that grew with
// every booking, run while the host's bookings are locked (found asking why the soak's bookings,
// thousands for one host, had the longest tail).
describe.each(testDialects())("a host's busy bookings near a slot (%s)", (dialect) => {
  let server: TestServer;
  let plans: PlanReader;
  beforeAll(async () => {
    server = await startTestServer({ dialect });
    plans = planReader(server.kernel.database, server.config.DATABASE_URL);
  });
  afterAll(async () => {
    await plans.close();
    await server.close();
  });

  // SQLite plans from the schema alone, so its plan shows what the statement allows. PostgreSQL's
  // follows its statistics (on an empty table any index will do); with 15,000 bookings of one host
  // it read 336 index entries for the bounded statement and the whole table without the bound.
  it.runIf(dialect === 'sqlite')(
    'are read through the index from both ends, not from the host’s first booking on',
    async () => {
      const query = new BookingRepository(server.kernel.database.db).busyQuery('u', 1_000_000_000, 1_000_900_000);
      const { sql, parameters } = query.compile();
      expect(await plans.planText(sql, parameters)).toMatch(
        /SEARCH scheduling_bookings USING INDEX scheduling_bookings_host_busy \(user_id=\? AND status=\? AND busy_from>\? AND busy_from<\?\)/,
      );
    },
  );

  it.runIf(dialect === 'sqlite')(
    'and an invitee’s bookings of the last day, for the daily cap, by when they were made',
    async () => {
      const db = server.kernel.database.db;
      // As BookingRepository.countNewByInvitee builds it.
      const count = db
        .selectFrom('scheduling_bookings')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', 'u')
        .where((eb) => eb(eb.fn('lower', ['invitee_email']), '=', 'ivy@example.com'))
        .where('rescheduled_from_id', 'is', null)
        .where('created_at', '>=', 1_000_000_000)
        .compile();
      expect(await plans.planText(count.sql, count.parameters)).toMatch(
        /SEARCH scheduling_bookings USING INDEX scheduling_bookings_host_created \(user_id=\? AND created_at>\?\)/,
      );
    },
  );

  it('include a booking of the longest duration and buffers up to its last busy millisecond', async () => {
    expect(MAX_BUSY_MS).toBe((MAX_DURATION_MIN + 2 * MAX_BUFFER_MIN) * 60_000);
    const { userId, api } = await newHost(server);
    const schedules = await api.get<{ schedules: Array<{ id: string }> }>('/schedules');
    const allWeek = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({
      day,
      start: '00:00',
      end: '24:00',
    }));
    expect((await api.patch(`/schedules/${schedules.body.schedules[0]!.id}`, { weekly: allWeek })).status).toBe(200);
    const longest = await api.post<{ id: string }>('/event-types', {
      name: 'Longest',
      durations: [MAX_DURATION_MIN],
      bufferBeforeMin: MAX_BUFFER_MIN,
      bufferAfterMin: MAX_BUFFER_MIN,
    });
    expect(longest.status).toBe(201);
    const start = mondayAhead('UTC').set({ hour: 12 });
    const booked = await api.post<{ id: string }>('/bookings', {
      eventTypeId: longest.body.id,
      start: utc(start),
      invitee: { name: 'Ivy', email: 'ivy@example.com', timezone: 'UTC' },
    });
    expect(booked.status).toBe(201);
    const busyFrom = start.toMillis() - MAX_BUFFER_MIN * 60_000;
    const lastBusy = busyFrom + MAX_BUSY_MS - 1;
    const repository = new BookingRepository(server.kernel.database.db);
    expect(await repository.listBusy(userId, lastBusy, lastBusy + 60_000)).toHaveLength(1);
    expect(await repository.listBusy(userId, lastBusy + 1, lastBusy + 60_000)).toHaveLength(0);
  });
});
