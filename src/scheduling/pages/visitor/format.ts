import { dateTimeFormat as formatter } from '../../../ui/date-time-format.ts';
import type { HourCycle, VisitorPrefs } from './visitor-prefs.ts';

/** "9:00 AM" or "09:00". */
export function timeOfDay(ms: number, zone: string, cycle: HourCycle): string {
  return formatter('en-US', zone, {
    hour: cycle === 'h12' ? 'numeric' : '2-digit',
    minute: '2-digit',
    hourCycle: cycle,
  }).format(ms);
}

/** "9:00 AM – 10:00 AM". */
export function timeRange(start: number, end: number, zone: string, cycle: HourCycle): string {
  return `${timeOfDay(start, zone, cycle)} – ${timeOfDay(end, zone, cycle)}`;
}

/** "Monday, March 30, 2026" or "Monday 30 March 2026". */
export function longDate(ms: number, zone: string, prefs: Pick<VisitorPrefs, 'dateLocale'>): string {
  return formatter(prefs.dateLocale, zone, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(
    ms,
  );
}

/** "Monday, March 30" or "Monday 30 March". */
export function dayAndMonth(ms: number, zone: string, prefs: Pick<VisitorPrefs, 'dateLocale'>): string {
  return formatter(prefs.dateLocale, zone, { weekday: 'long', month: 'long', day: 'numeric' }).format(ms);
}

/** "March 2026". */
export function monthAndYear(ms: number, zone: string): string {
  return formatter('en-US', zone, { month: 'long', year: 'numeric' }).format(ms);
}

/** A weekday's short and long names: ["Mon", "Monday"]. */
export function weekdayNames(ms: number, zone: string): [string, string] {
  return [
    formatter('en-US', zone, { weekday: 'short' }).format(ms),
    formatter('en-US', zone, { weekday: 'long' }).format(ms),
  ];
}

/** "UTC+05:30", "UTC-05:00", "UTC". */
export function utcOffset(ms: number, zone: string): string {
  const name = formatter('en-US', zone, { timeZoneName: 'longOffset' })
    .formatToParts(ms)
    .find((part) => part.type === 'timeZoneName')?.value;
  return !name || name === 'GMT' ? 'UTC' : name.replace('GMT', 'UTC').replace('\u2212', '-');
}

/** "2026-12-07": the calendar date of an instant in a zone (luxon's per-instant zone maths, without its cost). */
export function localIsoDate(ms: number, zone: string): string {
  const parts = formatter('en-US', zone, { year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ms);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}
