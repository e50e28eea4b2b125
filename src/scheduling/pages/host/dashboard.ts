import type { FastifyInstance, FastifyReply } from 'fastify';
import type { User } from '../../../accounts/index.ts';
import { SchedulingError } from '../../errors.ts';
import { webhooksSectionFor } from '../developers/webhooks-section.ts';
import { field, seeOther, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { dashboardPage } from '../views/dashboard-view.ts';

/** Renders /scheduling for `user`, with a form error when a post failed. */
export async function renderDashboard(
  deps: PageDeps,
  reply: FastifyReply,
  user: User,
  csrfToken: string,
  error?: SchedulingError,
): Promise<FastifyReply> {
  const { s } = deps;
  const host = await s.hosts.ensure(user.id);
  const [eventTypes, schedules, upcoming] = await Promise.all([
    s.eventTypes.list(user.id),
    s.schedules.list(user.id),
    s.bookings
      .list(user.id, { status: 'active', limit: 50 })
      .then((p) => p.bookings.sort((a, b) => a.startAt - b.startAt)),
  ]);
  const webhooks = await webhooksSectionFor(s, '/scheduling')({ user, csrfToken });
  return sendPage(
    reply,
    error?.status ?? 200,
    dashboardPage({
      user,
      host,
      issuer: s.kernel.config.ISSUER,
      eventTypes,
      schedules,
      upcoming,
      webhooks,
      csrfToken,
      error,
    }),
  );
}

/** Runs a form action; a SchedulingError re-renders the dashboard with it, success goes back. */
export async function formAction(
  deps: PageDeps,
  request: Parameters<typeof signedIn>[1],
  reply: FastifyReply,
  action: (user: User) => Promise<string | void>,
): Promise<FastifyReply | undefined> {
  const user = await signedIn(deps, request, reply);
  if (!user) return reply;
  try {
    const next = await action(user);
    return seeOther(reply, next ?? '/scheduling');
  } catch (error) {
    if (!(error instanceof SchedulingError)) throw error;
    return renderDashboard(deps, reply, user, deps.csrf.token(request, reply), error);
  }
}

/** GET /scheduling and POST /scheduling/profile. */
export async function dashboardRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  app.get('/scheduling', { schema: { hide: true } }, async (request, reply) => {
    const user = await signedIn(deps, request, reply);
    if (!user) return reply;
    return renderDashboard(deps, reply, user, deps.csrf.token(request, reply));
  });

  app.post('/scheduling/profile', { schema: { hide: true } }, async (request, reply) =>
    formAction(deps, request, reply, async (user) => {
      await deps.s.hosts.update(user.id, {
        slug: field(request.body, 'slug'),
        timezone: field(request.body, 'timezone'),
      });
    }),
  );
}
