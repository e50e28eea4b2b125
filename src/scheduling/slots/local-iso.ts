import { DateTime } from 'luxon';
import { wallClockFormatter } from '../time.ts';

const WEEK = 7 * 24 * 3600_000;

/**
 * A fast ISO 8601 formatter for many instants of one zone inside [from, to]: the zone's offset
 * is found once per stretch between daylight-saving changes (located by bisection, a week at a
 * time, so at most one change per stretch) instead of once per instant.
 */
export function localIsoFormatter(zone: string, from: number, to: number): (ms: number) => string {
  const z = DateTime.fromMillis(from, { zone }).zone;
  // Like luxon: a fixed zone at offset 0 (UTC) is written "Z".
  const utcSuffix = z.isUniversal ? 'Z' : '+00:00';
  const suffixOf = (offset: number) => (offset === 0 ? utcSuffix : formatOffset(offset));
  const stretch = (at: number, offset: number) => ({ at, offset, suffix: suffixOf(offset) });
  const changes = [stretch(-Infinity, z.offset(from))];
  for (let a = from; a < to; a += WEEK) {
    const b = Math.min(a + WEEK, to);
    let lo = a;
    let hi = b;
    const before = z.offset(lo);
    const after = z.offset(hi);
    if (before === after) continue;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (z.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    changes.push(stretch(hi, after));
  }
  const wallClock = wallClockFormatter();
  return (ms) => {
    if (ms < from || ms > to) {
      const offset = z.offset(ms);
      return wallClock(ms + offset * 60_000) + suffixOf(offset);
    }
    let current = changes[0]!;
    for (const change of changes) if (ms >= change.at) current = change;
    return wallClock(ms + current.offset * 60_000) + current.suffix;
  };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
