import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/**
 * Zone names already found valid. Checking a name builds an Intl.DateTimeFormat (about 140 µs
 * here), and an availability answer or a booking checks one or two. Bounded, because ICU accepts
 * a name in any letter case, so the valid spellings are many.
 */
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 1000;

/** True for IANA zone names luxon (ICU) knows, e.g. Europe/Paris; also "UTC". */
export function isValidTimeZone(zone: string): boolean {
  if (validZones.has(zone)) return true;
  const valid = typeof zone === 'string' && zone.length > 0 && IANAZone.isValidZone(zone);
  if (valid && validZones.size < MAX_REMEMBERED_ZONES) validZones.add(zone);
  return valid;
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

/** Minutes since midnight of "HH:MM" ("24:00" is the end of the day), or undefined. */
export function parseClock(value: string): number | undefined {
  if (!CLOCK.test(value)) return undefined;
  const [h, m] = value.split(':').map(Number);
  return h! * 60 + m!;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar date "YYYY-MM-DD". */
export function isIsoDate(value: string): boolean {
  return DATE.test(value) && DateTime.fromISO(value, { zone: 'UTC' }).isValid;
}

/** Epoch ms of an ISO 8601 instant that names its offset (or Z); undefined otherwise. */
export function parseInstant(value: string): number | undefined {
  if (!/T.*(Z|[+-]\d{2}:?\d{2})$/i.test(value)) return undefined;
  const parsed = DateTime.fromISO(value, { setZone: true });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** The furthest instant from 1970 a Date holds (ECMAScript's time values). */
const MAX_DATE_MS = 8.64e15;
const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * A formatter of "2026-03-29T07:00:00" (milliseconds dropped) for many instants that share a few
 * days, such as a month of slots: the date is written once per day, the time of day by
 * arithmetic. `Date#toISOString` and a regular expression for each of a month's ~2,000 slot
 * edges took a third of an availability answer's CPU (bench/scheduling.ts). An instant a Date
 * cannot hold throws RangeError, as `toISOString` does.
 */
export function wallClockFormatter(): (ms: number) => string {
  let dayStart = Number.NaN;
  let date = '';
  return (ms) => {
    if (!(Math.abs(ms) <= MAX_DATE_MS)) throw new RangeError(`Invalid time value: ${ms}`);
    if (!(ms >= dayStart && ms < dayStart + DAY)) {
      dayStart = Math.floor(ms / DAY) * DAY;
      const iso = new Date(dayStart).toISOString(); // years past 9999 have more digits: cut at the T
      date = iso.slice(0, iso.indexOf('T') + 1);
    }
    const seconds = Math.floor((ms - dayStart) / 1000);
    return `${date}${TWO_DIGITS[Math.floor(seconds / 3600)]!}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]!}:${TWO_DIGITS[seconds % 60]!}`;
  };
}

const utcWallClock = wallClockFormatter();

/** ISO 8601 in UTC with milliseconds dropped: 2026-03-29T07:00:00Z. */
export function toIsoUtc(ms: number): string {
  return `${utcWallClock(ms)}Z`;
}

/** ISO 8601 with the zone's offset: 2026-03-29T09:00:00+02:00. */
export function toIsoLocal(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** The calendar date of an instant in a zone. */
export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}
