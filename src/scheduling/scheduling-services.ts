import type { FastifyBaseLogger } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { SecretBox } from '../kernel/crypto/secret-box.ts';
import type { Kernel } from '../kernel/kernel.ts';
import type { AuthorizationServer, GrantStatus } from '../oauth/index.ts';
import { BookingService } from './bookings/booking-service.ts';
import { ManageLinks } from './bookings/manage-link.ts';
import { createMailer, type Mailer } from './email/mailer.ts';
import { EventTypeService } from './event-types/event-type-service.ts';
import { HostService } from './hosts/host-service.ts';
import { ScheduleService } from './schedules/schedule-service.ts';
import { AvailabilityService } from './slots/availability-service.ts';
import { createBookingNotifier } from './webhooks/booking-notifier.ts';
import { WebhookRepository } from './webhooks/webhook-repository.ts';
import { WebhookService } from './webhooks/webhook-service.ts';

/** Everything the scheduling product's routes, pages, tools and jobs use. */
export interface SchedulingServices {
  kernel: Kernel;
  oauth: AuthorizationServer;
  hosts: HostService;
  schedules: ScheduleService;
  eventTypes: EventTypeService;
  availability: AvailabilityService;
  bookings: BookingService;
  webhooks: WebhookService;
  webhookRepo: WebhookRepository;
  webhookSecrets: SecretBox;
  grants: GrantStatus;
  /** Tests only: webhooks may go to plain-http loopback receivers. */
  allowLoopbackHttp: boolean;
  manageLinks: ManageLinks;
  mailer: Mailer;
  log: FastifyBaseLogger;
}

/** The scheduling services of one platform instance (routes, pages, tools, jobs and /developers share them). */
export function schedulingServices(
  kernel: Kernel,
  oauth: AuthorizationServer,
  accounts: Accounts,
  log: FastifyBaseLogger,
): SchedulingServices {
  const { config, clock } = kernel;
  const { db, dialect } = kernel.database;
  const hosts = new HostService(db, clock, async (id) => {
    const user = await accounts.users.findById(id);
    return user && { id: user.id, email: user.email, name: user.name, timeZone: user.timeZone };
  });
  const schedules = new ScheduleService(db, clock, hosts);
  const eventTypes = new EventTypeService(db, clock, hosts);
  const webhookSecrets = kernel.box('scheduling-webhook-secrets');
  const grants = oauth.grantStatus;
  const allowLoopbackHttp = config.WEBHOOK_ALLOW_LOOPBACK ?? config.NODE_ENV === 'test';
  return {
    kernel,
    oauth,
    hosts,
    schedules,
    eventTypes,
    availability: new AvailabilityService(db, clock, eventTypes, schedules),
    bookings: new BookingService({ db, dialect, clock, hosts, notifier: createBookingNotifier(kernel.jobs, clock) }),
    webhooks: new WebhookService({ db, clock, hosts, secrets: webhookSecrets, allowLoopbackHttp, grants }),
    webhookRepo: new WebhookRepository(db),
    webhookSecrets,
    grants,
    allowLoopbackHttp,
    manageLinks: new ManageLinks(kernel.secretKey, config.ISSUER),
    mailer: createMailer(config, log),
    log,
  };
}
