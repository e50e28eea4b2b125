import type { FastifyInstance, FastifyReply } from 'fastify';
import { SchedulingError } from '../../errors.ts';
import { field, seeOther, sendPage, type PageDeps } from '../page-deps.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { availabilityPage } from '../views/host/availability-view.ts';
import { resolveZone } from '../visitor/zone-list.ts';
import { hostContext, type HostContext } from './host-context.ts';
import { withNotice } from './notices.ts';

/** GET /scheduling/availability, POST /scheduling/timezone (the host's zone) and POST /scheduling/schedules (a new one). */
export async function availabilityTabRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const render = async (reply: FastifyReply, c: HostContext, status = 200, zoneTyped?: string, errors?: FieldErrors) =>
    sendPage(
      reply,
      status,
      availabilityPage({
        c,
        schedules: await s.schedules.list(c.user.id),
        now: s.kernel.clock.now(),
        zoneTyped,
        errors,
      }),
    );

  app.get('/scheduling/availability', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    return c ? render(reply, c) : reply;
  });

  app.post('/scheduling/timezone', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const typed = field(request.body, 'timezone');
    const zone = resolveZone(typed);
    if (!zone)
      return render(reply, c, 400, typed, {
        'host-timezone': `We don’t know the time zone “${typed.slice(0, 64)}”. Type a city or a name like Europe/Paris and pick it from the list.`,
      });
    await s.hosts.changeTimeZone(c.user.id, zone);
    return seeOther(reply, withNotice('/scheduling/availability', 'timezone'));
  });

  app.post('/scheduling/schedules', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    try {
      const schedule = await s.schedules.create(c.user.id, { name: field(request.body, 'name') });
      return seeOther(reply, withNotice(`/scheduling/schedules/${schedule.id}`, 'schedule-created'));
    } catch (error) {
      if (!(error instanceof SchedulingError)) throw error;
      return render(reply, c, error.status, undefined, {
        'new-schedule': 'Give the schedule a name (up to 100 characters).',
      });
    }
  });
}
