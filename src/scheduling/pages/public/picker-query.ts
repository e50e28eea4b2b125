import { DateTime } from 'luxon';
import type { EventType } from '../../event-types/event-type.ts';
import type { SchedulingServices } from '../../scheduling-services.ts';
import type { Slot } from '../../slots/compute-slots.ts';
import { isIsoDate, isValidTimeZone, parseInstant } from '../../time.ts';

export interface PickerQuery {
  tz?: string;
  duration?: string;
  date?: string;
  start?: string;
}

/** Reads the picker's query (bad values fall back) and finds the free slots of the next 31 days. */
export async function readPicker(s: SchedulingServices, eventType: EventType, q: PickerQuery) {
  const tz = q.tz && isValidTimeZone(q.tz) ? q.tz : 'UTC';
  const asked = Number(q.duration);
  const duration = eventType.durations.includes(asked) ? asked : eventType.durations[0]!;
  const from = DateTime.fromMillis(s.kernel.clock.now(), { zone: tz }).startOf('day');
  const answer = await s.availability.forEventType(eventType, {
    from: from.toMillis(),
    to: from.plus({ days: 31 }).toMillis(),
    durationMin: duration,
    timezone: tz,
  });
  const date = q.date && isIsoDate(q.date) ? q.date : undefined;
  const startMs = q.start ? parseInstant(q.start) : undefined;
  const start: Slot | undefined =
    startMs === undefined ? undefined : answer.slots.find((slot) => slot.start === startMs);
  return { tz, duration, slots: answer.slots, date, start };
}
