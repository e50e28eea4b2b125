import type { Db } from '../../kernel/db/database.ts';
import type { Booking } from './booking.ts';

export type WebhookEventName = 'booking_created' | 'booking_canceled' | 'booking_rescheduled';
export const WEBHOOK_EVENTS: WebhookEventName[] = ['booking_created', 'booking_canceled', 'booking_rescheduled'];

export type BookingEmailKind = 'confirmed' | 'canceled' | 'rescheduled';

/** What happened to a booking, for webhooks and the invitee's email. */
export interface BookingHappening {
  event: WebhookEventName;
  booking: Booking;
}

/** The invitee's email about a change, sent as a job. */
export interface BookingEmail {
  bookingId: string;
  kind: BookingEmailKind;
  reason?: string | undefined;
}

/**
 * How the booking service tells the world: webhook deliveries and the invitee's email are
 * recorded as jobs inside the booking's transaction (so none is lost with a committed booking,
 * whatever happens to the node or the database next), then started once it has committed.
 */
export interface BookingNotifier {
  record(trx: Db, hostId: string, happenings: BookingHappening[], email: BookingEmail): Promise<void>;
  afterCommit(): void;
}
