import { conflict, invalid } from '../errors.ts';
import type { EventType } from '../event-types/event-type.ts';
import type { AvailabilityRules } from '../schedules/schedule.ts';
import { computeSlots, type BusyBooking } from '../slots/compute-slots.ts';
import { slotSettings } from '../slots/availability-service.ts';

/**
 * A booking's start must be a slot the engine offers: in the past or outside availability is a
 * 400 (bad input); a slot that is bookable in principle but taken (or the day full) is a 409.
 */
export function checkBookable(
  rules: AvailabilityRules,
  eventType: EventType,
  start: number,
  durationMin: number,
  now: number,
  busy: BusyBooking[],
): void {
  if (start < now) throw invalid('The start is in the past.', [{ path: ['start'], message: 'must be in the future' }]);
  const settings = slotSettings(eventType, durationMin);
  const request = { from: start, to: start + 1, now, eventTypeId: eventType.id };
  const offered = (bookings: BusyBooking[]) =>
    computeSlots(rules, settings, request, bookings).some((s) => s.start === start);
  if (!offered([])) {
    throw invalid(
      'The start is not a bookable time of this event type (outside availability, notice or booking window).',
      [{ path: ['start'], message: 'not one of the available slots' }],
    );
  }
  if (!offered(busy)) throw conflict('This slot is no longer free.', [{ path: ['start'], message: 'taken' }]);
}
