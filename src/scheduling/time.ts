import { DateTime, IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

/** True for IANA zone names luxon (ICU) knows, e.g. Europe/Paris; also "UTC". */
export function isValidTimeZone(zone: string): boolean {
  return typeof zone === 'string' && zone.length > 0 && IANAZone.isValidZone(zone);
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

/** ISO 8601 in UTC with milliseconds dropped: 2026-03-29T07:00:00Z. */
export function toIsoUtc(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO 8601 with the zone's offset: 2026-03-29T09:00:00+02:00. */
export function toIsoLocal(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISO({ suppressMilliseconds: true })!;
}

/** The calendar date of an instant in a zone. */
export function localDate(ms: number, zone: string): string {
  return DateTime.fromMillis(ms, { zone }).toISODate()!;
}
