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

/**
 * How the booking service tells the world: webhook deliveries are recorded inside the booking's
 * transaction (so none is lost with a committed booking), then started after the commit along
 * with the invitee's email.
 */
export interface BookingNotifier {
  record(trx: Db, hostId: string, happenings: BookingHappening[]): Promise<string[]>;
  afterCommit(
    deliveryIds: string[],
    email: { bookingId: string; kind: BookingEmailKind; reason?: string | undefined } | undefined,
  ): Promise<void>;
}
