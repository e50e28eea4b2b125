import type { Db } from '../../kernel/db/database.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { JobQueue } from '../../kernel/jobs/index.ts';
import { bookingToJson } from '../bookings/booking-json.ts';
import type { BookingEmail, BookingHappening, BookingNotifier } from '../bookings/booking-events.ts';
import { DELIVERY_JOB } from './deliver-webhook.ts';
import { WebhookRepository } from './webhook-repository.ts';

export const EMAIL_JOB = 'scheduling.booking-email';

export type BookingEmailJob = BookingEmail;

/**
 * Records one delivery per subscribed endpoint, their jobs and the invitee's email job, all in
 * the booking's transaction; wakes the job queue after the commit.
 */
export function createBookingNotifier(jobs: JobQueue, clock: Clock): BookingNotifier {
  return {
    async record(trx: Db, hostId: string, happenings: BookingHappening[], email: BookingEmail): Promise<void> {
      const repo = new WebhookRepository(trx);
      const now = clock.now();
      for (const { event, booking } of happenings) {
        for (const webhook of await repo.subscribers(hostId, event)) {
          const id = newId();
          await repo.insertDelivery({
            id,
            webhook_id: webhook.id,
            event,
            data: JSON.stringify(bookingToJson(booking)),
            status: 'pending',
            attempts: 0,
            last_status_code: null,
            last_error: null,
            created_at: now,
            updated_at: now,
          });
          await jobs.enqueue(DELIVERY_JOB, { deliveryId: id }, { key: id, within: trx });
        }
      }
      await jobs.enqueue<BookingEmailJob>(EMAIL_JOB, email, { key: `${email.bookingId}:${email.kind}`, within: trx });
    },
    afterCommit() {
      jobs.wake();
    },
  };
}
