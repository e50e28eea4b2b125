import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../helpers/database.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { newHost, type ApiClient } from './support/api.ts';
import { mondayAhead, utc } from './support/dates.ts';

type Schedule = {
  id: string;
  isDefault: boolean;
  timezone: string;
  weekly: unknown[];
  overrides: unknown[];
  outOfOffice: unknown[];
};
type Details = Array<{ path: Array<string | number>; message: string }>;
const paths = (body: Record<string, unknown>) => (body.details as Details).map((d) => d.path.join('.'));

describe.each(testDialects())('schedules and availability through the API (%s)', (dialect) => {
  let server: TestServer;
  let api: ApiClient;
  let schedule: Schedule;
  let eventTypeId: string;

  beforeAll(async () => {
    server = await startTestServer({ dialect });
    ({ api } = await newHost(server));
    const list = await api.get<{ schedules: Schedule[] }>('/schedules');
    schedule = list.body.schedules[0]!;
    eventTypeId = (await api.post('/event-types', { name: 'Chat', durations: [30, 60] })).body.id as string;
  });
  afterAll(() => server.close());

  it('gives a new host a default Mon–Fri 09:00–17:00 schedule', () => {
    expect(schedule).toMatchObject({ isDefault: true, timezone: 'UTC', overrides: [], outOfOffice: [] });
    expect(schedule.weekly).toHaveLength(5);
  });

  it('refuses overlapping and malformed weekly intervals and unknown zones, field by field, storing nothing', async () => {
    const bad = await api.patch(`/schedules/${schedule.id}`, {
      timezone: 'Mars/Olympus',
      weekly: [
        { day: 'mon', start: '09:00', end: '12:00' },
        { day: 'mon', start: '11:00', end: '13:00' },
        { day: 'tue', start: '25:00', end: '10:00' },
        { day: 'wed', start: '14:00', end: '13:00' },
      ],
      overrides: [{ date: '2026-02-30', intervals: [] }],
      outOfOffice: [{ from: '2026-05-10', to: '2026-05-01' }],
    });
    expect(bad.status).toBe(400);
    expect(paths(bad.body)).toEqual(
      expect.arrayContaining([
        'timezone',
        'weekly.1',
        'weekly.2.start',
        'weekly.3.end',
        'overrides.0.date',
        'outOfOffice.0.to',
      ]),
    );
    const shape = await api.patch(`/schedules/${schedule.id}`, { weekly: [{ day: 'someday', start: '09:00' }] });
    expect(shape.status).toBe(400);
    expect(paths(shape.body)).toEqual(expect.arrayContaining(['weekly.0.end']));
    const after = await api.get<Schedule>(`/schedules/${schedule.id}`);
    expect(after.body).toEqual(schedule);
  });

  it('creates, edits and deletes schedules; the default stays', async () => {
    const created = await api.post<Schedule>('/schedules', {
      name: 'Evenings',
      timezone: 'Europe/Paris',
      weekly: [{ day: 'fri', start: '18:00', end: '21:00' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ isDefault: false, timezone: 'Europe/Paris' });
    expect((await api.delete(`/schedules/${schedule.id}`)).status).toBe(409);
    expect((await api.patch(`/schedules/${schedule.id}`, { isDefault: false })).status).toBe(409);
    expect((await api.delete(`/schedules/${created.body.id}`)).status).toBe(204);
    expect((await api.get(`/schedules/${created.body.id}`)).status).toBe(404);
    expect((await api.post('/event-types', { name: 'X', scheduleId: 'missing' })).status).toBe(400);
  });

  it('answers slots in the invitee zone and refuses windows over 31 days, unknown zones and durations', async () => {
    const monday = mondayAhead('UTC');
    const q = (extra: string) =>
      api.get<{ slots: Array<{ start: string; localStart: string }>; timezone: string; durationMin: number }>(
        `/availability?eventTypeId=${eventTypeId}&${extra}`,
      );
    const ok = await q(`from=${monday.toISODate()}&to=${monday.toISODate()}&tz=America/New_York&duration=60`);
    expect(ok.status).toBe(200);
    expect(ok.body.durationMin).toBe(60);
    expect(ok.body.timezone).toBe('America/New_York');
    // Monday in New York runs 04:00 or 05:00 UTC → next day; 09:00–17:00 UTC falls inside it entirely.
    expect(ok.body.slots.map((s) => s.start)).toEqual(
      [9, 10, 11, 12, 13, 14, 15, 16].map((h) => utc(monday.set({ hour: h }))),
    );
    expect(ok.body.slots[0]!.localStart).toMatch(/^\d{4}-\d\d-\d\dT0[45]:00:00-0[45]:00$/);
    const long = await q(`from=${utc(monday)}&to=${utc(monday.plus({ days: 31, minutes: 1 }))}`);
    expect(long.status).toBe(400);
    expect(paths(long.body)).toEqual(['to']);
    expect((await q(`from=${utc(monday)}&to=${utc(monday.plus({ days: 31 }))}`)).status).toBe(200);
    const zone = await q('tz=Nowhere/Special');
    expect(zone.status).toBe(400);
    expect(paths(zone.body)).toContain('tz');
    expect((await q('duration=45')).status).toBe(400);
    expect((await q('from=yesterday')).status).toBe(400);
    expect((await api.get('/availability?eventTypeId=nope')).status).toBe(404);
    expect((await api.get('/availability')).status).toBe(400);
  });

  it('closes a date through an override and blocks a range out of office', async () => {
    const monday = mondayAhead('UTC', 3);
    const patched = await api.patch<Schedule>(`/schedules/${schedule.id}`, {
      overrides: [
        { date: monday.toISODate(), intervals: [] },
        { date: monday.plus({ days: 5 }).toISODate(), intervals: [{ start: '10:00', end: '11:00' }] },
      ],
      outOfOffice: [
        { from: monday.plus({ days: 1 }).toISODate(), to: monday.plus({ days: 3 }).toISODate(), reason: 'conference' },
      ],
    });
    expect(patched.status).toBe(200);
    const week = await api.get<{ slots: Array<{ start: string }> }>(
      `/availability?eventTypeId=${eventTypeId}&from=${monday.toISODate()}&to=${monday.plus({ days: 6 }).toISODate()}`,
    );
    const days = [...new Set(week.body.slots.map((s) => s.start.slice(0, 10)))];
    expect(days).toEqual([monday.plus({ days: 4 }).toISODate(), monday.plus({ days: 5 }).toISODate()]);
    expect(week.body.slots.filter((s) => s.start.startsWith(monday.plus({ days: 5 }).toISODate()!))).toHaveLength(2);
  });
});
