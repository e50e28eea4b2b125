import { DateTime } from 'luxon';
import type { EventType } from '../../event-types/event-type.ts';
import type { SchedulingServices } from '../../scheduling-services.ts';
import type { Slot } from '../../slots/compute-slots.ts';
import { isIsoDate, parseInstant } from '../../time.ts';
import type { HourCycle, VisitorPrefs } from '../visitor/visitor-prefs.ts';
import { localIsoDate } from '../visitor/format.ts';
import { resolveZone } from '../visitor/zone-list.ts';

/** The booking widget's state as the address carries it, so every step works without scripts. */
export interface BookerQuery {
  tz?: string;
  duration?: string;
  month?: string;
  date?: string;
  start?: string;
  clock?: string;
}

export interface BookerState {
  tz: string;
  /** The visitor named this zone (the address has it); else it is a guess the script may correct. */
  zoneChosen: boolean;
  /** What the visitor typed when it named no zone we know. */
  zoneTyped?: string | undefined;
  cycle: HourCycle;
  cycleChosen: boolean;
  prefs: VisitorPrefs;
  duration: number;
  durations: number[];
  /** "2026-03": the month the calendar shows. */
  month: string;
  prevMonth?: string | undefined;
  nextMonth?: string | undefined;
  /** The month's days with free slots, in the visitor's zone. */
  days: Map<string, Slot[]>;
  /** The day whose slots are listed. */
  date?: string | undefined;
  today: string;
  /** The slot picked for the details step. */
  start?: Slot | undefined;
  /** A start was asked for that is not (or no longer) free. */
  startGone: boolean;
}

/** How far ahead the calendar pages (a booking window, when shorter, stops it sooner). */
const MONTHS_AHEAD = 12;
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/**
 * Reads the query (bad values fall back to defaults) and finds the free slots of the shown
 * month. Without a month or day asked for, an empty current month moves on to the next one.
 */
export async function readBooker(
  s: SchedulingServices,
  eventType: EventType,
  q: BookerQuery,
  prefs: VisitorPrefs,
): Promise<BookerState> {
  const typed = q.tz?.trim() ? resolveZone(q.tz) : undefined;
  const tz = typed ?? prefs.zone ?? 'UTC';
  const cycle: HourCycle = q.clock === '12h' ? 'h12' : q.clock === '24h' ? 'h23' : prefs.hourCycle;
  const asked = Number(q.duration);
  const duration = eventType.durations.includes(asked) ? asked : eventType.durations[0]!;
  const now = DateTime.fromMillis(s.kernel.clock.now(), { zone: tz });
  const thisMonth = now.startOf('month');
  const lastMonth = thisMonth.plus({ months: MONTHS_AHEAD });
  const startMs = q.start ? parseInstant(q.start) : undefined;
  // A picked time names its day (a refused form posts only the time back).
  const startDay = startMs === undefined ? undefined : DateTime.fromMillis(startMs, { zone: tz }).toISODate()!;
  const date = q.date && isIsoDate(q.date) ? q.date : startDay;
  let month = pickMonth(q.month, date, tz) ?? thisMonth;
  if (month < thisMonth || month > lastMonth) month = thisMonth;

  let days = await freeDays(s, eventType, month, now, duration, tz);
  if (!q.month && !date && days.size === 0 && month < lastMonth) {
    const next = month.plus({ months: 1 });
    const later = await freeDays(s, eventType, next, now, duration, tz);
    if (later.size > 0) [month, days] = [next, later];
  }
  const inMonth = date?.startsWith(month.toFormat('yyyy-MM')) ? date : undefined;
  const shownDate = inMonth ?? (q.date ? undefined : days.keys().next().value);
  const start = startMs === undefined ? undefined : [...days.values()].flat().find((slot) => slot.start === startMs);
  const windowEnd = eventType.bookingWindowDays ? now.plus({ days: eventType.bookingWindowDays }) : lastMonth;
  return {
    tz,
    zoneChosen: typed !== undefined,
    zoneTyped: q.tz?.trim() && !typed ? q.tz.trim().slice(0, 64) : undefined,
    cycle,
    cycleChosen: q.clock === '12h' || q.clock === '24h',
    prefs,
    duration,
    durations: eventType.durations,
    month: month.toFormat('yyyy-MM'),
    prevMonth: month > thisMonth ? month.minus({ months: 1 }).toFormat('yyyy-MM') : undefined,
    nextMonth:
      month < lastMonth && month.plus({ months: 1 }) <= windowEnd
        ? month.plus({ months: 1 }).toFormat('yyyy-MM')
        : undefined,
    days,
    date: shownDate,
    today: now.toISODate()!,
    start,
    startGone: q.start !== undefined && start === undefined,
  };
}

function pickMonth(month: string | undefined, date: string | undefined, tz: string): DateTime | undefined {
  if (month && MONTH.test(month)) return DateTime.fromISO(`${month}-01`, { zone: tz });
  if (date) return DateTime.fromISO(date, { zone: tz }).startOf('month');
  return undefined;
}

/** The free slots of one month from today on (at most 31 days: one availability query), by local day. */
async function freeDays(
  s: SchedulingServices,
  eventType: EventType,
  month: DateTime,
  now: DateTime,
  duration: number,
  tz: string,
): Promise<Map<string, Slot[]>> {
  const from = month < now.startOf('day') ? now.startOf('day') : month;
  const to = month.plus({ months: 1 });
  const days = new Map<string, Slot[]>();
  if (to <= from) return days;
  const answer = await s.availability.forEventType(eventType, {
    from: from.toMillis(),
    to: to.toMillis(),
    durationMin: duration,
    timezone: tz,
  });
  for (const slot of answer.slots) {
    const day = localIsoDate(slot.start, tz);
    const list = days.get(day);
    if (list) list.push(slot);
    else days.set(day, [slot]);
  }
  return days;
}
