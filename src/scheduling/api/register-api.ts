import type { FastifyInstance } from 'fastify';
import type { SchedulingServices } from '../scheduling-services.ts';
import { apiDeps } from './api-deps.ts';
import { useSchedulingErrors } from './error-handler.ts';
import { useRateLimit } from './rate-limit.ts';
import { availabilityRoute } from './routes/availability.ts';
import { bookingRoutes } from './routes/bookings.ts';
import { eventTypeRoutes } from './routes/event-types.ts';
import { meRoute } from './routes/me.ts';
import { openApiRoute } from './routes/openapi.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { useAllErrorsValidator } from './validator.ts';

export const API_PREFIX = '/api/v2';

/** The scheduling API v2 in its own scope: its error envelope, validator and rate limit. */
export async function registerSchedulingApi(app: FastifyInstance, s: SchedulingServices): Promise<void> {
  await app.register(
    async (scope) => {
      useSchedulingErrors(scope);
      useAllErrorsValidator(scope);
      useRateLimit(scope);
      const deps = apiDeps(s);
      scope.addHook('onRoute', (route) => {
        const guard = [route.preHandler]
          .flat()
          .map((h) => deps.scopeOf(h))
          .find(Boolean);
        for (const method of [route.method].flat())
          if (guard) deps.routeScopes.set(`${method.toLowerCase()} ${route.url}`, guard);
      });
      for (const routes of [meRoute, eventTypeRoutes, scheduleRoutes, availabilityRoute, bookingRoutes, webhookRoutes])
        await routes(scope, deps);
      await openApiRoute(scope, s.kernel.config.ISSUER, API_PREFIX, deps.routeScopes);
    },
    { prefix: API_PREFIX },
  );
}
