import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { computeSlots, type BusyBooking, type SlotSettings } from '../../src/scheduling/slots/compute-slots.ts';
import { WEEKDAYS, type AvailabilityRules, type ClockInterval } from '../../src/scheduling/schedules/schedule.ts';

const ZONES = ['Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Pacific/Auckland', 'UTC'];
const MIN = 60_000;
const BASE = Date.parse('2026-03-01T00:00:00Z');

// Working hours between 06:00 and 24:00: daylight-saving changes (01:00–03:00 local in these
// zones) never fall inside an interval, so wall-clock membership below is unambiguous.
const quarter = (lo: number, hi: number) => fc.integer({ min: lo / 15, max: hi / 15 }).map((q) => q * 15);
const clock = (m: number) =>
  m === 1440 ? '24:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const dayIntervals = fc
  .uniqueArray(quarter(360, 1440), { minLength: 0, maxLength: 6 })
  .map((points) => points.sort((a, b) => a - b))
  .map((points) => {
    const out: ClockInterval[] = [];
    for (let i = 0; i + 1 < points.length; i += 2) out.push({ start: clock(points[i]!), end: clock(points[i + 1]!) });
    return out;
  });

const rulesArb = fc
  .record({
    timezone: fc.constantFrom(...ZONES),
    week: fc.array(dayIntervals, { minLength: 7, maxLength: 7 }),
    overrides: fc.array(fc.record({ day: fc.integer({ min: 0, max: 40 }), intervals: dayIntervals }), { maxLength: 4 }),
    ooo: fc.array(fc.record({ day: fc.integer({ min: 0, max: 40 }), length: fc.integer({ min: 0, max: 6 }) }), {
      maxLength: 2,
    }),
  })
  .map(({ timezone, week, overrides, ooo }): AvailabilityRules => {
    const date = (d: number) => DateTime.fromMillis(BASE, { zone: 'UTC' }).plus({ days: d }).toISODate()!;
    const byDate = new Map(overrides.map((o) => [date(o.day), o.intervals]));
    return {
      timezone,
      weekly: week.flatMap((intervals, i) => intervals.map((iv) => ({ day: WEEKDAYS[i]!, ...iv }))),
      overrides: [...byDate].map(([d, intervals]) => ({ date: d, intervals })),
      outOfOffice: ooo.map((o) => ({ from: date(o.day), to: date(o.day + o.length) })),
    };
  });

const settingsArb = fc.record({
  durationMin: fc.constantFrom(15, 30, 45, 60, 90),
  slotIntervalMin: fc.option(fc.constantFrom(5, 10, 15, 30, 60), { nil: null }),
  minimumNoticeMin: fc.integer({ min: 0, max: 3000 }),
  bookingWindowDays: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  bufferBeforeMin: fc.constantFrom(0, 5, 10, 15, 30),
  bufferAfterMin: fc.constantFrom(0, 5, 10, 15, 30),
  dailyLimit: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
}) as fc.Arbitrary<SlotSettings>;

const bookingsArb = fc
  .array(
    fc.record({
      offsetMin: fc.integer({ min: 0, max: 40 * 1440 }),
      lengthMin: fc.integer({ min: 5, max: 240 }),
      before: fc.constantFrom(0, 10, 30),
      after: fc.constantFrom(0, 10, 30),
      mine: fc.boolean(),
    }),
    { maxLength: 40 },
  )
  .map((list): BusyBooking[] =>
    list.map((b) => {
      const start = BASE + b.offsetMin * MIN;
      return {
        startAt: start,
        busyFrom: start - b.before * MIN,
        busyTo: start + (b.lengthMin + b.after) * MIN,
        eventTypeId: b.mine ? 'et' : 'other',
      };
    }),
  );

/** Independent oracle: is this instant inside the rules, reading the local wall clock? */
function openAt(rules: AvailabilityRules, instant: number): boolean {
  const local = DateTime.fromMillis(instant, { zone: rules.timezone });
  const date = local.toISODate()!;
  if (rules.outOfOffice.some((o) => date >= o.from && date <= o.to)) return false;
  const minute = local.hour * 60 + local.minute;
  const intervals =
    rules.overrides.find((o) => o.date === date)?.intervals ??
    rules.weekly.filter((w) => w.day === WEEKDAYS[local.weekday - 1]);
  const toMinutes = (c: string) => Number(c.slice(0, 2)) * 60 + Number(c.slice(3));
  return intervals.some((iv) => minute >= toMinutes(iv.start) && minute < toMinutes(iv.end));
}

describe('slot engine properties', () => {
  it('returns only slots inside availability, clear of every booking and its buffers, after notice, inside window and limit', () => {
    fc.assert(
      fc.property(
        rulesArb,
        settingsArb,
        bookingsArb,
        fc.integer({ min: 0, max: 10 * 1440 }),
        fc.integer({ min: 1, max: 31 * 1440 }),
        fc.integer({ min: -2 * 1440, max: 5 * 1440 }),
        (rules, settings, bookings, fromOffset, spanMin, nowOffset) => {
          const from = BASE + fromOffset * MIN;
          const to = from + spanMin * MIN;
          const now = BASE + nowOffset * MIN;
          const slots = computeSlots(rules, settings, { from, to, now, eventTypeId: 'et' }, bookings);
          const perDay = new Map<string, number>();
          for (const b of bookings.filter((x) => x.eventTypeId === 'et')) {
            const day = DateTime.fromMillis(b.startAt, { zone: rules.timezone }).toISODate()!;
            perDay.set(day, (perDay.get(day) ?? 0) + 1);
          }
          let previous = -Infinity;
          for (const slot of slots) {
            expect(slot.end - slot.start).toBe(settings.durationMin * MIN);
            expect(slot.start).toBeGreaterThan(previous);
            previous = slot.start;
            expect(slot.start).toBeGreaterThanOrEqual(Math.max(from, now + settings.minimumNoticeMin * MIN));
            expect(slot.start).toBeLessThan(to);
            if (settings.bookingWindowDays)
              expect(slot.start).toBeLessThan(now + settings.bookingWindowDays * 1440 * MIN);
            for (let t = slot.start; t < slot.end; t += 5 * MIN)
              expect(openAt(rules, t), new Date(t).toISOString()).toBe(true);
            const blockFrom = slot.start - settings.bufferBeforeMin * MIN;
            const blockTo = slot.end + settings.bufferAfterMin * MIN;
            for (const b of bookings) expect(blockFrom < b.busyTo && b.busyFrom < blockTo).toBe(false);
            if (settings.dailyLimit)
              expect(
                perDay.get(DateTime.fromMillis(slot.start, { zone: rules.timezone }).toISODate()!) ?? 0,
              ).toBeLessThan(settings.dailyLimit);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('offers every aligned start of a free, open weekday when nothing is booked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        quarter(360, 1200),
        fc.constantFrom(15, 30, 60),
        (timezone, startMin, duration) => {
          const endMin = Math.min(1440, startMin + 4 * 60);
          const rules: AvailabilityRules = {
            timezone,
            weekly: WEEKDAYS.map((day) => ({ day, start: clock(startMin), end: clock(endMin) })),
            overrides: [],
            outOfOffice: [],
          };
          const day = DateTime.fromISO('2026-06-10', { zone: timezone });
          const slots = computeSlots(
            rules,
            { durationMin: duration, minimumNoticeMin: 0, bufferBeforeMin: 0, bufferAfterMin: 0 },
            { from: day.toMillis(), to: day.plus({ days: 1 }).toMillis(), now: 0, eventTypeId: 'et' },
            [],
          );
          expect(slots).toHaveLength(Math.floor((endMin - startMin) / duration));
          expect(slots[0]!.start).toBe(day.plus({ minutes: startMin }).toMillis());
        },
      ),
      { numRuns: 100 },
    );
  });
});
