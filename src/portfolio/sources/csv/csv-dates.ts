/**
 * Dates in exported CSVs: ISO 8601 (`2024-03-01T12:00:00Z`, an offset, or none = UTC),
 * `YYYY-MM-DD HH:MM[:SS[.fff]]` (UTC) and `MM/DD/YYYY HH:MM[:SS]` (UTC, the universal template's
 * spreadsheet form). Answers epoch ms, or undefined.
 */
export function parseCsvDate(text: string): number | undefined {
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (iso) {
    const [, y, mo, d, h = '0', mi = '0', s = '0', frac, zone] = iso;
    const ms = frac ? Math.round(Number(`0${frac}`) * 1000) : 0;
    let time = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s, ms);
    if (!valid(time, +y!, +mo!, +d!)) return undefined;
    if (zone && !/^(Z|UTC)$/i.test(zone)) {
      const sign = zone.startsWith('-') ? -1 : 1;
      const digits = zone.slice(1).replace(':', '');
      time -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return time;
  }
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(text);
  if (us) {
    const [, mo, d, y, h = '0', mi = '0', s = '0'] = us;
    const time = Date.UTC(+y!, +mo! - 1, +d!, +h, +mi, +s);
    return valid(time, +y!, +mo!, +d!) ? time : undefined;
  }
  return undefined;
}

function valid(time: number, year: number, month: number, day: number): boolean {
  const date = new Date(time);
  return (
    !Number.isNaN(time) &&
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}
