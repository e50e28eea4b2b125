import { IANAZone } from 'luxon';
import { InvalidTimeZone } from '../errors.ts';

/** IANA zone names offered to people, from the runtime's ICU data (plus UTC, which ICU lists separately). */
export function supportedTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')];
}

/**
 * A time zone a person chose, in its canonical spelling ("europe/paris" → "Europe/Paris").
 * Only IANA names: offsets like "+05:00" do not follow daylight saving time.
 * @throws InvalidTimeZone
 */
export function normalizeTimeZone(input: string): string {
  const zone = input.trim();
  if (zone.length > 64 || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(zone) || !IANAZone.isValidZone(zone))
    throw new InvalidTimeZone();
  return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
}
