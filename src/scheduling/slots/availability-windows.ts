import { DateTime } from 'luxon';
import { parseClock } from '../time.ts';
import { WEEKDAYS, type AvailabilityRules, type ClockInterval } from '../schedules/schedule.ts';

/** A half-open range of epoch ms [from, to). */
export interface Range {
  from: number;
  to: number;
}

/**
 * The instants a schedule is open between `from` and `to`, as sorted, disjoint ranges. Local
 * wall-clock times are resolved per date in the schedule's zone, so a 09:00 start stays 09:00
 * across daylight-saving changes (a time inside a spring-forward gap moves forward, as luxon does).
 */
export function availabilityWindows(rules: AvailabilityRules, from: number, to: number): Range[] {
  const zone = rules.timezone;
  const overrides = new Map(rules.overrides.map((o) => [o.date, o.intervals]));
  const ranges: Range[] = [];
  let day = DateTime.fromMillis(from, { zone }).startOf('day').minus({ days: 1 });
  const last = DateTime.fromMillis(to, { zone }).startOf('day');
  while (day <= last) {
    const date = day.toISODate()!;
    const intervals = overrides.get(date) ?? rules.weekly.filter((w) => w.day === WEEKDAYS[day.weekday - 1]);
    for (const interval of intervals) {
      const range = resolve(day, interval);
      if (range && range.to > from && range.from < to) ranges.push(range);
    }
    day = day.plus({ days: 1 });
  }
  return subtract(merge(ranges), outOfOfficeRanges(rules, from, to));
}

function resolve(day: DateTime, interval: ClockInterval): Range | undefined {
  const start = parseClock(interval.start);
  const end = parseClock(interval.end);
  if (start === undefined || end === undefined || end <= start) return undefined;
  return { from: atMinute(day, start), to: atMinute(day, end) };
}

/** The instant of a wall-clock minute on a local date ("24:00" is the next day's midnight). */
function atMinute(day: DateTime, minute: number): number {
  if (minute === 24 * 60) return day.plus({ days: 1 }).startOf('day').toMillis();
  return day.set({ hour: Math.floor(minute / 60), minute: minute % 60, second: 0, millisecond: 0 }).toMillis();
}

function outOfOfficeRanges(rules: AvailabilityRules, from: number, to: number): Range[] {
  return merge(
    rules.outOfOffice
      .map((o) => ({
        from: DateTime.fromISO(o.from, { zone: rules.timezone }).startOf('day').toMillis(),
        to: DateTime.fromISO(o.to, { zone: rules.timezone }).plus({ days: 1 }).startOf('day').toMillis(),
      }))
      .filter((r) => r.to > from && r.from < to),
  );
}

/** Sorts and joins overlapping or touching ranges. */
export function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.from - b.from);
  const out: Range[] = [];
  for (const r of sorted) {
    const lastRange = out[out.length - 1];
    if (lastRange && r.from <= lastRange.to) lastRange.to = Math.max(lastRange.to, r.to);
    else out.push({ ...r });
  }
  return out;
}

/** `ranges` minus `holes`; both sorted and disjoint. */
export function subtract(ranges: Range[], holes: Range[]): Range[] {
  if (holes.length === 0) return ranges;
  const out: Range[] = [];
  for (const range of ranges) {
    let cursor = range.from;
    for (const hole of holes) {
      if (hole.to <= cursor || hole.from >= range.to) continue;
      if (hole.from > cursor) out.push({ from: cursor, to: hole.from });
      cursor = Math.max(cursor, hole.to);
    }
    if (cursor < range.to) out.push({ from: cursor, to: range.to });
  }
  return out;
}
