import { databaseLabel, untilDatabaseAnswers } from '../kernel/db/wait-for-database.ts';
import { displayHostName } from './hosts/display-name.ts';
import { bookingEmail } from './email/booking-email.ts';
import type { SchedulingServices } from './scheduling-services.ts';
import { deliverWebhook, DELIVERY_JOB } from './webhooks/deliver-webhook.ts';
import { EMAIL_JOB, type BookingEmailJob } from './webhooks/booking-notifier.ts';
import { FIRST_RETRY_MS, MAX_DELIVERY_ATTEMPTS } from './webhooks/webhook.ts';

/** Registers the product's durable jobs: webhook deliveries and invitee emails. */
export function registerSchedulingJobs(s: SchedulingServices): void {
  const ctx = s.kernel;
  ctx.jobs.handle<{ deliveryId: string }>(
    DELIVERY_JOB,
    async ({ deliveryId }) =>
      deliverWebhook(
        {
          repo: s.webhookRepo,
          secrets: s.webhookSecrets,
          clock: ctx.clock,
          log: s.log,
          grants: s.grants,
          allowLoopback: s.allowLoopbackHttp,
          timeoutMs: ctx.config.WEBHOOK_TIMEOUT_MS,
        },
        deliveryId,
      ),
    // The handler stops retrying by itself; the queue's own limit is only a backstop.
    { backoffMs: FIRST_RETRY_MS, maxAttempts: MAX_DELIVERY_ATTEMPTS + 2 },
  );
  ctx.jobs.handle<BookingEmailJob>(
    EMAIL_JOB,
    async ({ bookingId, kind, reason }) => {
      const booking = await s.bookings.findById(bookingId);
      if (!booking) return;
      const person = await s.hosts.person(booking.hostId);
      await s.mailer.send(
        bookingEmail({
          booking,
          kind,
          reason,
          host: { name: displayHostName(person), email: person.email ?? 'no-reply@localhost' },
          manageUrl: s.manageLinks.url(booking.id),
          issuerHost: new URL(ctx.config.ISSUER).host,
          now: ctx.clock.now(),
        }),
      );
    },
    { backoffMs: 60_000, maxAttempts: 6 },
  );
}

/**
 * Pending deliveries without a waiting job are queued again at start (a no-op for those queued).
 * Their jobs now commit with the booking; this catches deliveries recorded before that was so.
 * A database that stops answering between the kernel opening and this is waited for as the
 * kernel waits (the node is still "starting": 503, not ready), rather than failing the start.
 */
export async function requeuePendingDeliveries(s: SchedulingServices): Promise<void> {
  const { database, config, log } = s.kernel;
  const requeue = async () => {
    for (const id of await s.webhookRepo.pendingDeliveryIds(10_000))
      await s.kernel.jobs.enqueue(DELIVERY_JOB, { deliveryId: id }, { key: id });
  };
  if (database.dialect === 'sqlite') return requeue();
  await untilDatabaseAnswers(requeue, log, databaseLabel(config.DATABASE_URL));
}
