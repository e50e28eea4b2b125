import type { Booking } from '../bookings/booking.ts';
import { buildIcs } from './ics.ts';

export interface BookingIcsContext {
  booking: Booking;
  method: 'REQUEST' | 'CANCEL' | 'PUBLISH';
  host: { name: string; email: string };
  manageUrl: string;
  issuerHost: string;
  now: number;
}

/**
 * A booking as iCalendar. The UID is the same in the emailed invitation and the page's download,
 * so a calendar that gets both keeps one event; a cancellation raises the sequence.
 */
export function bookingIcs(c: BookingIcsContext): string {
  const { booking: b } = c;
  const canceled = c.method === 'CANCEL';
  return buildIcs({
    uid: `${b.id}@${c.issuerHost}`,
    method: c.method,
    sequence: canceled ? 1 : 0,
    start: b.startAt,
    end: b.endAt,
    stamp: c.now,
    summary: `${b.eventTypeName} with ${c.host.name}`,
    description: canceled ? 'Canceled.' : `Cancel or reschedule: ${c.manageUrl}`,
    location: b.location.value ? `${b.location.kind}: ${b.location.value}` : b.location.kind,
    organizer: c.host,
    attendee: { name: b.invitee.name, email: b.invitee.email },
  });
}
