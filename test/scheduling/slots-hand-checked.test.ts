import { describe, expect, it } from 'vitest';
import { computeSlots, type BusyBooking, type SlotSettings } from '../../src/scheduling/slots/compute-slots.ts';
import { DEFAULT_WEEKLY, type AvailabilityRules } from '../../src/scheduling/schedules/schedule.ts';
import { isValidTimeZone, toIsoLocal, toIsoUtc, wallClockFormatter } from '../../src/scheduling/time.ts';
import { localIsoFormatter } from '../../src/scheduling/slots/local-iso.ts';

const paris: AvailabilityRules = { timezone: 'Europe/Paris', weekly: DEFAULT_WEEKLY, overrides: [], outOfOffice: [] };
const hour: SlotSettings = { durationMin: 60, minimumNoticeMin: 0, bufferBeforeMin: 0, bufferAfterMin: 0 };
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
const LONG_AGO = at('2026-01-01T00:00:00Z');

function slots(
  rules: AvailabilityRules,
  settings: SlotSettings,
  from: string,
  to: string,
  bookings: BusyBooking[] = [],
  now = LONG_AGO,
) {
  return computeSlots(rules, settings, { from: at(from), to: at(to), now, eventTypeId: 'et' }, bookings).map((s) =>
    iso(s.start),
  );
}

const booking = (start: string, end: string, before = 0, after = 0, eventTypeId = 'et'): BusyBooking => ({
  busyFrom: at(start) - before * 60_000,
  busyTo: at(end) + after * 60_000,
  startAt: at(start),
  eventTypeId,
});

describe('slot maths, hand-checked', () => {
  it('keeps 09:00–17:00 Paris time across the March daylight-saving change (08:00Z on Friday, 07:00Z on Monday)', () => {
    const got = slots(paris, hour, '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z');
    expect(got.filter((s) => s.startsWith('2026-03-27'))).toEqual(
      ['08', '09', '10', '11', '12', '13', '14', '15'].map((h) => `2026-03-27T${h}:00:00Z`),
    );
    expect(got.filter((s) => s.startsWith('2026-03-28') || s.startsWith('2026-03-29'))).toEqual([]);
    expect(got.filter((s) => s.startsWith('2026-03-30'))).toEqual(
      ['07', '08', '09', '10', '11', '12', '13', '14'].map((h) => `2026-03-30T${h}:00:00Z`),
    );
  });

  it('keeps 09:00–17:00 Paris time across the October change (07:00Z on Friday, 08:00Z on Monday)', () => {
    const got = slots(paris, hour, '2026-10-23T00:00:00Z', '2026-10-27T00:00:00Z');
    expect(got[0]).toBe('2026-10-23T07:00:00Z');
    expect(got.filter((s) => s.startsWith('2026-10-26'))[0]).toBe('2026-10-26T08:00:00Z');
    expect(got).toHaveLength(16);
  });

  it('has 23 hourly slots on the short March Sunday and 25 on the long October Sunday when open all day', () => {
    const allDay = (date: string): AvailabilityRules => ({
      ...paris,
      overrides: [{ date, intervals: [{ start: '00:00', end: '24:00' }] }],
    });
    expect(slots(allDay('2026-03-29'), hour, '2026-03-28T23:00:00Z', '2026-03-29T22:00:00Z')).toHaveLength(23);
    const october = slots(allDay('2026-10-25'), hour, '2026-10-24T22:00:00Z', '2026-10-25T23:00:00Z');
    expect(october).toHaveLength(25);
    expect(october[0]).toBe('2026-10-24T22:00:00Z');
    expect(october[24]).toBe('2026-10-25T22:00:00Z');
  });

  it('shows a Paris schedule to an invitee in New York, whose clocks changed three weeks earlier', () => {
    const got = computeSlots(
      paris,
      hour,
      { from: at('2026-03-27T00:00:00Z'), to: at('2026-03-31T00:00:00Z'), now: LONG_AGO, eventTypeId: 'et' },
      [],
    );
    expect(toIsoLocal(got[0]!.start, 'America/New_York')).toBe('2026-03-27T04:00:00-04:00');
    const monday = got.find((s) => iso(s.start).startsWith('2026-03-30'))!;
    expect(toIsoLocal(monday.start, 'America/New_York')).toBe('2026-03-30T03:00:00-04:00');
    // Before 8 March New York was six hours behind Paris: 09:00 CET = 03:00 EST.
    const earlier = computeSlots(
      paris,
      hour,
      { from: at('2026-03-06T00:00:00Z'), to: at('2026-03-07T00:00:00Z'), now: LONG_AGO, eventTypeId: 'et' },
      [],
    );
    expect(toIsoLocal(earlier[0]!.start, 'America/New_York')).toBe('2026-03-06T03:00:00-05:00');
  });

  it('closes a day with an empty override and replaces hours with a custom one', () => {
    const rules: AvailabilityRules = {
      ...paris,
      overrides: [
        { date: '2026-03-30', intervals: [] },
        { date: '2026-03-31', intervals: [{ start: '13:00', end: '15:00' }] },
      ],
    };
    const got = slots(rules, hour, '2026-03-30T00:00:00Z', '2026-04-01T00:00:00Z');
    expect(got).toEqual(['2026-03-31T11:00:00Z', '2026-03-31T12:00:00Z']);
  });

  it('offers nothing during a week out of office, and resumes the day after', () => {
    const rules: AvailabilityRules = {
      ...paris,
      outOfOffice: [{ from: '2026-04-06', to: '2026-04-12', reason: 'holiday' }],
    };
    const got = slots(rules, hour, '2026-04-03T00:00:00Z', '2026-04-14T00:00:00Z');
    expect(got.filter((s) => s >= '2026-04-04' && s < '2026-04-13')).toEqual([]);
    expect(got.filter((s) => s.startsWith('2026-04-03'))).toHaveLength(8);
    expect(got.filter((s) => s.startsWith('2026-04-13'))).toHaveLength(8);
  });

  it('keeps buffers clear of bookings and of their own buffers', () => {
    const half: SlotSettings = {
      durationMin: 30,
      slotIntervalMin: 15,
      minimumNoticeMin: 0,
      bufferBeforeMin: 0,
      bufferAfterMin: 0,
    };
    // Booked 10:00–11:00 Paris (08:00–09:00Z) with 15 minutes after it.
    const busy = [booking('2026-03-30T08:00:00Z', '2026-03-30T09:00:00Z', 0, 15)];
    const window = ['2026-03-30T07:00:00Z', '2026-03-30T10:00:00Z'] as const;
    expect(slots(paris, half, ...window, busy)).toEqual([
      '2026-03-30T07:00:00Z',
      '2026-03-30T07:15:00Z',
      '2026-03-30T07:30:00Z',
      '2026-03-30T09:15:00Z',
      '2026-03-30T09:30:00Z',
      '2026-03-30T09:45:00Z',
    ]);
    // With 15 minutes before and after each new meeting the neighbours move out by 15 minutes.
    const buffered = { ...half, bufferBeforeMin: 15, bufferAfterMin: 15 };
    expect(slots(paris, buffered, ...window, busy)).toEqual([
      '2026-03-30T07:00:00Z',
      '2026-03-30T07:15:00Z',
      '2026-03-30T09:30:00Z',
      '2026-03-30T09:45:00Z',
    ]);
  });

  it('respects the minimum notice', () => {
    const now = at('2026-03-30T07:10:00Z'); // 09:10 in Paris
    const got = slots(
      paris,
      { ...hour, durationMin: 30, minimumNoticeMin: 60 },
      '2026-03-30T00:00:00Z',
      '2026-03-30T10:00:00Z',
      [],
      now,
    );
    expect(got[0]).toBe('2026-03-30T08:30:00Z');
  });

  it('stops at the booking window', () => {
    const now = at('2026-03-30T06:00:00Z');
    const got = slots(
      paris,
      { ...hour, bookingWindowDays: 2 },
      '2026-03-30T00:00:00Z',
      '2026-04-10T00:00:00Z',
      [],
      now,
    );
    expect(got[got.length - 1]).toBe('2026-03-31T14:00:00Z');
    expect(got).toHaveLength(16);
  });

  it('closes a day that reached the daily limit of this event type only', () => {
    const limited = { ...hour, dailyLimit: 2 };
    const one = [booking('2026-03-30T07:00:00Z', '2026-03-30T08:00:00Z')];
    expect(slots(paris, limited, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z', one)).toHaveLength(7);
    const two = [...one, booking('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z')];
    expect(slots(paris, limited, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z', two)).toEqual([]);
    const otherType = [...one, booking('2026-03-30T09:00:00Z', '2026-03-30T10:00:00Z', 0, 0, 'other')];
    expect(slots(paris, limited, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z', otherType)).toHaveLength(6);
  });

  it('fits each duration in the hours and steps by the slot interval', () => {
    expect(slots(paris, { ...hour, durationMin: 90 }, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual(
      ['07', '08:30', '10', '11:30', '13'].map((t) => `2026-03-30T${t.length === 2 ? `${t}:00` : t}:00Z`),
    );
    expect(slots(paris, { ...hour, slotIntervalMin: 30 }, '2026-03-30T00:00:00Z', '2026-03-31T00:00:00Z')).toHaveLength(
      15,
    );
  });
});

describe('local ISO formatting of many slots', () => {
  it('matches luxon for every quarter hour across both 2026 daylight-saving changes in several zones', () => {
    for (const zone of [
      'Europe/Paris',
      'America/New_York',
      'Australia/Sydney',
      'Asia/Kolkata',
      'UTC',
      'America/St_Johns',
    ]) {
      for (const [from, to] of [
        ['2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z'],
        ['2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
      ] as const) {
        const start = at(from);
        const end = at(to);
        const format = localIsoFormatter(zone, start, end);
        for (let t = start; t <= end; t += 15 * 60_000) expect(format(t)).toBe(toIsoLocal(t, zone));
      }
    }
  });
});

describe('ISO formatting of instants in UTC', () => {
  const byDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

  it('matches Date#toISOString without milliseconds, day after day and across the edges of days', () => {
    const format = wallClockFormatter();
    const instants = [
      0,
      -1,
      -86_400_000,
      -86_400_001,
      at('1969-12-31T23:59:59.999Z'),
      at('2026-12-31T23:59:59.999Z'),
      at('2027-01-01T00:00:00Z'),
      at('2028-02-29T12:34:56.789Z'),
      at('9999-12-31T23:59:59Z'),
      8.64e15, // the last instant a Date holds: +275760-09-13
      -8.64e15,
    ];
    // A month of slot edges, in order, then the same instants backwards: the day it remembers changes each way.
    for (let t = at('2026-03-01T00:00:00Z'); t <= at('2026-04-01T00:00:00Z'); t += 7 * 60_000 + 13_001)
      instants.push(t);
    for (const ms of [...instants, ...instants.reverse()]) {
      expect(toIsoUtc(ms)).toBe(byDate(ms));
      expect(`${format(ms)}Z`).toBe(byDate(ms));
    }
  });

  it('refuses an instant a Date cannot hold, as Date#toISOString does', () => {
    for (const ms of [Number.NaN, Infinity, 8.64e15 + 1]) expect(() => toIsoUtc(ms)).toThrow(RangeError);
  });
});

describe('time zone names', () => {
  it('are valid in any letter case, and stay so when asked again; unknown ones never are', () => {
    for (let round = 0; round < 2; round++) {
      expect(isValidTimeZone('Europe/Paris')).toBe(true);
      expect(isValidTimeZone('europe/PARIS')).toBe(true);
      expect(isValidTimeZone('UTC')).toBe(true);
      expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
      expect(isValidTimeZone('')).toBe(false);
    }
  });
});
