import type { Db } from '../../kernel/db/database.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { JobQueue } from '../../kernel/jobs/index.ts';
import { bookingToJson } from '../bookings/booking-json.ts';
import type { BookingEmailKind, BookingHappening, BookingNotifier } from '../bookings/booking-events.ts';
import { DELIVERY_JOB } from './deliver-webhook.ts';
import { WebhookRepository } from './webhook-repository.ts';

export const EMAIL_JOB = 'scheduling.booking-email';

export interface BookingEmailJob {
  bookingId: string;
  kind: BookingEmailKind;
  reason?: string | undefined;
}

/** Records one delivery per subscribed endpoint in the booking's transaction; queues them after. */
export function createBookingNotifier(jobs: JobQueue, clock: Clock): BookingNotifier {
  return {
    async record(trx: Db, hostId: string, happenings: BookingHappening[]): Promise<string[]> {
      const repo = new WebhookRepository(trx);
      const ids: string[] = [];
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
          ids.push(id);
        }
      }
      return ids;
    },
    async afterCommit(deliveryIds, email) {
      for (const id of deliveryIds) await jobs.enqueue(DELIVERY_JOB, { deliveryId: id }, { key: id });
      if (email) await jobs.enqueue<BookingEmailJob>(EMAIL_JOB, email, { key: `${email.bookingId}:${email.kind}` });
    },
  };
}
