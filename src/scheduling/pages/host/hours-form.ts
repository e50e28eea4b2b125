import { WEEKDAYS, type ClockInterval, type WeeklyInterval, type Weekday } from '../../schedules/schedule.ts';
import { parseClock } from '../../time.ts';
import type { FieldErrors } from '../views/field-errors.ts';

/** One range of a day as the form holds it; `key` names its fields (`mon-{key}-start`). */
export interface HoursRange {
  key: string;
  start: string;
  end: string;
}

/** The weekly hours form: each day on or off, with its ranges (kept while off, ignored). */
export type HoursForm = Record<Weekday, { on: boolean; ranges: HoursRange[] }>;

export const DAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The form for stored hours ("24:00", the end of the day, is 00:00 in a time field). */
export function hoursFromWeekly(weekly: WeeklyInterval[]): HoursForm {
  const form = {} as HoursForm;
  for (const day of WEEKDAYS) {
    const ranges = weekly
      .filter((w) => w.day === day)
      .map((w, i) => ({ key: String(i), start: w.start, end: w.end === '24:00' ? '00:00' : w.end }));
    form[day] = { on: ranges.length > 0, ranges };
  }
  return form;
}

/** The form as posted: `mon-on`, and `mon-{key}-start` / `mon-{key}-end` per range, in key order. */
export function readHoursForm(body: Record<string, unknown>): HoursForm {
  const form = {} as HoursForm;
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string).trim() : '');
  for (const day of WEEKDAYS) {
    const keys = Object.keys(body)
      .map((name) => new RegExp(`^${day}-(\\d{1,3})-(start|end)$`).exec(name)?.[1])
      .filter((key): key is string => key !== undefined);
    const ranges = [...new Set(keys)]
      .sort((a, b) => Number(a) - Number(b))
      .map((key) => ({ key, start: text(`${day}-${key}-start`), end: text(`${day}-${key}-end`) }));
    form[day] = { on: text(`${day}-on`) === '1', ranges };
  }
  return form;
}

/**
 * An "Add hours" / "Remove" button pressed without scripts: `add:mon` adds a range after the
 * last (or 09:00–17:00), `remove:mon:{key}` drops one. Nothing is saved; the form comes back.
 */
export function editHoursForm(form: HoursForm, edit: string): HoursForm {
  const [action, day, key] = edit.split(':') as [string, Weekday, string | undefined];
  if (!WEEKDAYS.includes(day)) return form;
  const ranges = form[day].ranges;
  if (action === 'add') {
    const next = String(Math.max(-1, ...ranges.map((r) => Number(r.key))) + 1);
    const last = ranges.at(-1);
    const added = last ? { start: last.end, end: last.end < '23:00' ? laterBy(last.end, 60) : '00:00' } : NINE_TO_FIVE;
    return { ...form, [day]: { on: true, ranges: [...ranges, { key: next, ...added }] } };
  }
  if (action === 'remove') return { ...form, [day]: { ...form[day], ranges: ranges.filter((r) => r.key !== key) } };
  return form;
}

const NINE_TO_FIVE: ClockInterval = { start: '09:00', end: '17:00' };

function laterBy(clock: string, minutes: number): string {
  const total = Math.min(parseClock(clock)! + minutes, 23 * 60 + 59);
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/**
 * The weekly hours a form gives, or what is wrong with it, field by field, in words: a missing
 * or malformed time, an end not after its start, two ranges of a day that overlap.
 */
export function checkHoursForm(form: HoursForm): { weekly: WeeklyInterval[]; errors: FieldErrors } {
  const weekly: WeeklyInterval[] = [];
  const errors: FieldErrors = {};
  for (const day of WEEKDAYS) {
    if (!form[day].on) continue;
    const valid: Array<{ start: number; end: number; key: string }> = [];
    for (const range of form[day].ranges) {
      const id = `${day}-${range.key}`;
      const start = parseClock(range.start);
      // 00:00 as an end is midnight at the end of the day (a time field cannot say 24:00).
      const end = range.end === '00:00' ? 24 * 60 : parseClock(range.end);
      if (start === undefined) errors[`${id}-start`] = 'Enter the time these hours start, like 09:00.';
      if (end === undefined) errors[`${id}-end`] = 'Enter the time these hours end, like 17:00.';
      if (start === undefined || end === undefined) continue;
      if (end <= start) errors[`${id}-end`] = `End after the start (${range.start}).`;
      else valid.push({ start, end, key: range.key });
    }
    valid.sort((a, b) => a.start - b.start);
    for (let i = 1; i < valid.length; i++)
      if (valid[i]!.start < valid[i - 1]!.end)
        errors[`${day}-${valid[i]!.key}-start`] = 'These hours overlap other hours that day; start after those end.';
    for (const r of valid) weekly.push({ day, start: clock(r.start), end: clock(r.end) });
  }
  return { weekly, errors };
}

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
