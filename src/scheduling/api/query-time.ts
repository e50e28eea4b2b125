import { DateTime } from 'luxon';
import { Problems } from '../errors.ts';
import { isIsoDate, isValidTimeZone, parseInstant } from '../time.ts';

/**
 * A `from`/`to` query value: an ISO 8601 instant with its offset, or a date read in `zone`
 * (a `from` date is that midnight, a `to` date the end of that day). Problems go to `problems`.
 */
export function readQueryTime(
  problems: Problems,
  field: string,
  value: string | undefined,
  zone: string,
  edge: 'from' | 'to',
): number | undefined {
  if (value === undefined) return undefined;
  const instant = parseInstant(value);
  if (instant !== undefined) return instant;
  if (isIsoDate(value) && isValidTimeZone(zone)) {
    const day = DateTime.fromISO(value, { zone }).startOf('day');
    return (edge === 'to' ? day.plus({ days: 1 }) : day).toMillis();
  }
  problems.add([field], `${field} must be an ISO 8601 date-time with an offset or a date YYYY-MM-DD`);
  return undefined;
}
