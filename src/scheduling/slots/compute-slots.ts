import { localDate, MINUTE, DAY } from '../time.ts';
import type { AvailabilityRules } from '../schedules/schedule.ts';
import { availabilityWindows, type Range } from './availability-windows.ts';

/** What an event type asks of its slots. */
export interface SlotSettings {
  durationMin: number;
  /** Distance between slot starts; default: the duration. */
  slotIntervalMin?: number | null | undefined;
  minimumNoticeMin: number;
  /** Slots start before now + this many days; unset: no limit. */
  bookingWindowDays?: number | null | undefined;
  bufferBeforeMin: number;
  bufferAfterMin: number;
  /** At most this many active bookings of the event type per day (schedule's zone). */
  dailyLimit?: number | null | undefined;
}

/** An existing active booking of the host: what it blocks, and when it is (for the daily limit). */
export interface BusyBooking {
  busyFrom: number;
  busyTo: number;
  startAt: number;
  eventTypeId: string;
}

export interface SlotRequest {
  from: number;
  to: number;
  now: number;
  eventTypeId: string;
}

export interface Slot {
  start: number;
  end: number;
}

/**
 * The bookable slots whose start lies in [from, to): inside the schedule's open hours and
 * outside out-of-office, after the minimum notice, inside the booking window, with this event
 * type's buffers clear of every booking's own buffered range, under the daily limit.
 */
export function computeSlots(
  rules: AvailabilityRules,
  settings: SlotSettings,
  request: SlotRequest,
  bookings: BusyBooking[],
): Slot[] {
  const duration = settings.durationMin * MINUTE;
  const step = (settings.slotIntervalMin ?? settings.durationMin) * MINUTE;
  const earliest = Math.max(request.from, request.now + settings.minimumNoticeMin * MINUTE);
  const latest = Math.min(
    request.to,
    settings.bookingWindowDays ? request.now + settings.bookingWindowDays * DAY : Infinity,
  );
  if (earliest >= latest) return [];
  const busy = new BusyIndex(bookings);
  const fullDays = fullDates(rules.timezone, settings.dailyLimit, request.eventTypeId, bookings);
  const slots: Slot[] = [];
  for (const window of availabilityWindows(rules, earliest - step - duration, latest + duration)) {
    for (let start = window.from; start + duration <= window.to; start += step) {
      if (start < earliest || start >= latest) continue;
      const end = start + duration;
      if (busy.overlaps(start - settings.bufferBeforeMin * MINUTE, end + settings.bufferAfterMin * MINUTE)) continue;
      if (fullDays.size > 0 && fullDays.has(localDate(start, rules.timezone))) continue;
      slots.push({ start, end });
    }
  }
  return slots;
}

/** Dates (schedule zone) on which this event type already has `dailyLimit` bookings. */
function fullDates(
  zone: string,
  limit: number | null | undefined,
  eventTypeId: string,
  bookings: BusyBooking[],
): Set<string> {
  const full = new Set<string>();
  if (!limit) return full;
  const counts = new Map<string, number>();
  for (const b of bookings) {
    if (b.eventTypeId !== eventTypeId) continue;
    const date = localDate(b.startAt, zone);
    const count = (counts.get(date) ?? 0) + 1;
    counts.set(date, count);
    if (count >= limit) full.add(date);
  }
  return full;
}

/** Busy ranges sorted by start with a running maximum of their ends: overlap tests in O(log n). */
class BusyIndex {
  private readonly starts: number[];
  private readonly maxEnds: number[];

  constructor(bookings: BusyBooking[]) {
    const sorted: Range[] = bookings.map((b) => ({ from: b.busyFrom, to: b.busyTo })).sort((a, b) => a.from - b.from);
    this.starts = sorted.map((r) => r.from);
    let max = -Infinity;
    this.maxEnds = sorted.map((r) => (max = Math.max(max, r.to)));
  }

  /** Does any busy range meet [from, to)? */
  overlaps(from: number, to: number): boolean {
    let lo = 0;
    let hi = this.starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! < to) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.maxEnds[lo - 1]! > from;
  }
}
