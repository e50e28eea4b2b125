import { DateTime } from 'luxon';

/** Monday 00:00 in `zone`, `weeks` weeks from now: far enough ahead for notice and clock moves. */
export function mondayAhead(zone: string, weeks = 2): DateTime {
  return DateTime.now().setZone(zone).plus({ weeks }).startOf('week');
}

/** ISO 8601 UTC without milliseconds, as the API answers. */
export function utc(dt: DateTime): string {
  return dt.toUTC().toISO({ suppressMilliseconds: true })!.replace('.000', '');
}
