import { Problems } from '../errors.ts';
import { isIsoDate, isValidTimeZone, parseClock } from '../time.ts';
import { WEEKDAYS, type ClockInterval, type DateOverride, type OutOfOffice, type WeeklyInterval } from './schedule.ts';

/** Checks a time zone name, reporting at `path`. */
export function checkTimeZone(problems: Problems, path: Array<string | number>, zone: string): void {
  if (!isValidTimeZone(zone)) problems.add(path, `unknown time zone "${zone}" (use an IANA name such as Europe/Paris)`);
}

/** Weekly hours: known days, HH:MM times, end after start, no overlaps within a day. */
export function checkWeekly(problems: Problems, weekly: WeeklyInterval[]): void {
  weekly.forEach((w, i) => {
    if (!WEEKDAYS.includes(w.day)) problems.add(['weekly', i, 'day'], `day must be one of ${WEEKDAYS.join(', ')}`);
  });
  for (const day of WEEKDAYS) {
    const indexed = weekly.map((w, i) => ({ w, i })).filter(({ w }) => w.day === day);
    checkIntervals(
      problems,
      indexed.map(({ w, i }) => ({ interval: w, path: ['weekly', i] })),
    );
  }
}

/** Date overrides: real dates, each date once, valid non-overlapping intervals (empty = closed). */
export function checkOverrides(problems: Problems, overrides: DateOverride[]): void {
  const seen = new Set<string>();
  overrides.forEach((o, i) => {
    if (!isIsoDate(o.date)) problems.add(['overrides', i, 'date'], 'date must be a calendar date YYYY-MM-DD');
    else if (seen.has(o.date)) problems.add(['overrides', i, 'date'], `${o.date} is overridden twice`);
    seen.add(o.date);
    checkIntervals(
      problems,
      o.intervals.map((interval, j) => ({ interval, path: ['overrides', i, 'intervals', j] })),
    );
  });
}

/** Out-of-office ranges: real dates with from ≤ to. */
export function checkOutOfOffice(problems: Problems, ranges: OutOfOffice[]): void {
  ranges.forEach((r, i) => {
    const fromOk = isIsoDate(r.from);
    const toOk = isIsoDate(r.to);
    if (!fromOk) problems.add(['outOfOffice', i, 'from'], 'from must be a calendar date YYYY-MM-DD');
    if (!toOk) problems.add(['outOfOffice', i, 'to'], 'to must be a calendar date YYYY-MM-DD');
    if (fromOk && toOk && r.to < r.from) problems.add(['outOfOffice', i, 'to'], 'to must not be before from');
  });
}

function checkIntervals(
  problems: Problems,
  items: Array<{ interval: ClockInterval; path: Array<string | number> }>,
): void {
  const valid: Array<{ start: number; end: number; path: Array<string | number> }> = [];
  for (const { interval, path } of items) {
    const start = parseClock(interval.start);
    const end = parseClock(interval.end);
    if (start === undefined || start === 24 * 60)
      problems.add([...path, 'start'], 'start must be a time HH:MM from 00:00 to 23:59');
    if (end === undefined) problems.add([...path, 'end'], 'end must be a time HH:MM from 00:01 to 24:00');
    if (start === undefined || end === undefined || start === 24 * 60) continue;
    if (end <= start) problems.add([...path, 'end'], 'end must be after start');
    else valid.push({ start, end, path });
  }
  valid.sort((a, b) => a.start - b.start);
  for (let k = 1; k < valid.length; k++) {
    if (valid[k]!.start < valid[k - 1]!.end)
      problems.add(valid[k]!.path, 'this interval overlaps another one on the same day');
  }
}
