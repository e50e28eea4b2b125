import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Problems } from '../../errors.ts';
import { localIsoFormatter } from '../../slots/local-iso.ts';
import { DAY, toIsoUtc } from '../../time.ts';
import type { ApiDeps } from '../api-deps.ts';
import { readQueryTime } from '../query-time.ts';
import { AvailabilityJson, AvailabilityQuery, errorResponses } from '../schemas.ts';

/** GET /availability: bookable slots of one event type; window ≤ 31 days. */
export async function availabilityRoute(app: FastifyInstance, { s, needs, hostOf }: ApiDeps): Promise<void> {
  app.get<{ Querystring: Static<typeof AvailabilityQuery> }>(
    '/availability',
    {
      preHandler: needs('read:availability'),
      schema: {
        summary: 'Bookable slots of an event type (window at most 31 days)',
        tags: ['availability'],
        querystring: AvailabilityQuery,
        response: { 200: AvailabilityJson, ...errorResponses },
      },
    },
    async (request) => {
      const host = await hostOf(request);
      const q = request.query;
      const zone = q.tz ?? 'UTC';
      const problems = new Problems();
      const from = readQueryTime(problems, 'from', q.from, zone, 'from') ?? s.kernel.clock.now();
      const to = readQueryTime(problems, 'to', q.to, zone, 'to') ?? from + 7 * DAY;
      problems.throwIfAny();
      const answer = await s.availability.forHost(host.userId, q.eventTypeId, {
        from,
        to,
        durationMin: q.duration,
        timezone: q.tz,
      });
      const local = localIsoFormatter(answer.timezone, from, to + 12 * 3600_000);
      return {
        eventTypeId: answer.eventType.id,
        durationMin: answer.durationMin,
        timezone: answer.timezone,
        slots: answer.slots.map((slot) => ({
          start: toIsoUtc(slot.start),
          end: toIsoUtc(slot.end),
          localStart: local(slot.start),
          localEnd: local(slot.end),
        })),
      };
    },
  );
}
