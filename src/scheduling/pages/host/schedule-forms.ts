import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { User } from '../../../accounts/index.ts';
import { Problems, SchedulingError } from '../../errors.ts';
import { WEEKDAYS, type WeeklyInterval } from '../../schedules/schedule.ts';
import { parseIntervals } from '../form-parsing.ts';
import { field, seeOther, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { schedulePage } from '../views/schedule-view.ts';
import { formAction } from './dashboard.ts';

type Params = { Params: { id: string; date?: string; index?: string } };

/** The schedule page and its forms: weekly hours, overrides, out-of-office, delete. */
export async function scheduleFormRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;

  /** Runs a change to schedule `id`; errors re-render its page with the problems listed. */
  const change = (
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    work: (user: User, id: string) => Promise<string | void>,
  ) =>
    (async () => {
      const user = await signedIn(deps, request, reply);
      if (!user) return reply;
      try {
        return seeOther(reply, (await work(user, request.params.id)) ?? `/scheduling/schedules/${request.params.id}`);
      } catch (error) {
        if (!(error instanceof SchedulingError) || error.status === 404) throw error;
        return sendPage(
          reply,
          error.status,
          schedulePage(user, await s.schedules.get(user.id, request.params.id), deps.csrf.token(request, reply), error),
        );
      }
    })();

  app.post('/scheduling/schedules', { schema: { hide: true } }, async (request, reply) =>
    formAction(
      deps,
      request,
      reply,
      async (user) =>
        `/scheduling/schedules/${(await s.schedules.create(user.id, { name: field(request.body, 'name') })).id}`,
    ),
  );

  app.get<Params>('/scheduling/schedules/:id', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(deps, request, reply);
    if (!user) return reply;
    return sendPage(
      reply,
      200,
      schedulePage(user, await s.schedules.get(user.id, request.params.id), deps.csrf.token(request, reply)),
    );
  });

  app.post<Params>('/scheduling/schedules/:id', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (user, id) => {
      const problems = new Problems();
      const weekly: WeeklyInterval[] = WEEKDAYS.flatMap((day) =>
        parseIntervals(field(request.body, day), ['weekly', day], problems).map((i) => ({ day, ...i })),
      );
      problems.throwIfAny('Some hours are not written as 09:00-17:00.');
      const isDefault = field(request.body, 'is_default') === '1';
      await s.schedules.update(user.id, id, {
        name: field(request.body, 'name'),
        timezone: field(request.body, 'timezone'),
        weekly,
        ...(isDefault ? { isDefault } : {}),
      });
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/overrides', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (user, id) => {
      const problems = new Problems();
      const intervals = parseIntervals(field(request.body, 'hours'), ['hours'], problems);
      problems.throwIfAny('The hours are not written as 09:00-17:00.');
      await s.schedules.setOverride(user.id, id, { date: field(request.body, 'date'), intervals });
    }),
  );

  app.post<Params>(
    '/scheduling/schedules/:id/overrides/:date/delete',
    { schema: { hide: true } },
    async (request, reply) =>
      change(request, reply, async (user, id) => {
        const current = await s.schedules.get(user.id, id);
        await s.schedules.update(user.id, id, {
          overrides: current.overrides.filter((o) => o.date !== request.params.date),
        });
      }),
  );

  app.post<Params>('/scheduling/schedules/:id/ooo', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (user, id) => {
      const reason = field(request.body, 'reason');
      await s.schedules.addOutOfOffice(user.id, id, {
        from: field(request.body, 'from'),
        to: field(request.body, 'to'),
        ...(reason ? { reason } : {}),
      });
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/ooo/:index/delete', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (user, id) => {
      const current = await s.schedules.get(user.id, id);
      await s.schedules.update(user.id, id, {
        outOfOffice: current.outOfOffice.filter((_, i) => String(i) !== request.params.index),
      });
    }),
  );

  app.post<Params>('/scheduling/schedules/:id/delete', { schema: { hide: true } }, async (request, reply) =>
    change(request, reply, async (user, id) => {
      await s.schedules.delete(user.id, id);
      return '/scheduling';
    }),
  );
}
