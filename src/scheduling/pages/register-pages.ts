import { asSentence } from '../../kernel/http/malformed-body.ts';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SchedulingError } from '../errors.ts';
import { webhookFormRoutes } from './developers/webhook-forms.ts';
import { availabilityTabRoutes } from './host/availability-tab.ts';
import { bookingsTabRoutes } from './host/bookings-tab.ts';
import { eventTypeFormRoutes } from './host/event-type-forms.ts';
import { eventTypesTabRoutes } from './host/event-types-tab.ts';
import { scheduleFormRoutes } from './host/schedule-forms.ts';
import { setupRoutes } from './host/setup.ts';
import { webhooksTabRoutes } from './host/webhooks-tab.ts';
import { message, sendPage, type PageDeps } from './page-deps.ts';
import { assetRoutes } from './assets/asset-routes.ts';
import { bookingPageRoutes } from './public/booking-page.ts';
import { cancelBookingRoutes } from './public/cancel-booking.ts';
import { hostPageRoutes } from './public/host-page.ts';
import { manageBookingRoutes } from './public/manage-booking.ts';
import { rescheduleBookingRoutes } from './public/reschedule-booking.ts';
import { publicLimits } from './public/public-limits.ts';

/**
 * The product's pages in their own scope: the hosts' /scheduling pages (set-up, then a tab each
 * for event types, availability, bookings and webhooks), the webhook forms, the public pages
 * (/{host}, /{host}/{event}) and the invitee's booking pages. Form posts carry a CSRF token.
 */
export async function registerSchedulingPages(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  // The host a public action is on: by slug on the booking page, by booking on the manage link.
  const hostKeyOf = async (request: FastifyRequest) => {
    const params = request.params as { hostSlug?: string; id?: string };
    if (params.hostSlug) return `slug:${params.hostSlug.toLowerCase()}`;
    const booking = params.id ? await s.bookings.findById(params.id) : undefined;
    return booking ? `slug:${booking.hostSlug.toLowerCase()}` : 'unknown';
  };
  const limited = { ...deps, publicLimits: publicLimits(app, s.kernel.config, hostKeyOf) };
  await app.register(async (scope) => {
    scope.setErrorHandler(renderError);
    scope.addHook('preValidation', async (request, reply) => {
      if (request.method !== 'POST') return;
      if (deps.csrf.verify(request, (request.body as Record<string, unknown> | undefined)?.csrf)) return;
      return sendPage(
        reply,
        403,
        message(
          'This form has expired',
          'For your security this form can no longer be sent. Go back, reload the page and try again.',
        ),
      );
    });
    for (const routes of [
      setupRoutes,
      eventTypesTabRoutes,
      eventTypeFormRoutes,
      availabilityTabRoutes,
      scheduleFormRoutes,
      bookingsTabRoutes,
      webhooksTabRoutes,
      webhookFormRoutes,
      manageBookingRoutes,
      cancelBookingRoutes,
      rescheduleBookingRoutes,
      assetRoutes,
      bookingPageRoutes,
      hostPageRoutes,
    ]) {
      await routes(scope, limited);
    }
  });
}

function renderError(
  error: FastifyError | SchedulingError,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  if (error instanceof SchedulingError) return sendPage(reply, error.status, message(error.title, error.message));
  const status = (error as FastifyError).validation ? 400 : ((error as FastifyError).statusCode ?? 500);
  if (status === 429) return sendPage(reply, 429, message('Too many requests', error.message));
  if (status >= 500) {
    request.log.error({ err: error }, 'scheduling page failed');
    return sendPage(
      reply,
      500,
      message('Something went wrong', 'We couldn’t complete that. Please try again in a moment.'),
    );
  }
  return sendPage(reply, status, message('That request didn’t work', clientMessage(error as FastifyError)));
}

/** Our own parsers' messages are written to be shown (kernel/http/malformed-body.ts); others are described. */
function clientMessage(error: FastifyError): string {
  if (error.code === 'CONSENTRY_MALFORMED_BODY') return asSentence(error.message);
  return 'Something in the form was missing or not valid. Go back and try again.';
}
