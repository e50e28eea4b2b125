import type { FastifyInstance, FastifyReply } from 'fastify';
import { SchedulingError } from '../../errors.ts';
import { seeOther, sendPage, field, type PageDeps } from '../page-deps.ts';
import type { FieldErrors } from '../views/field-errors.ts';
import { eventTypesPage } from '../views/host/event-types-view.ts';
import { hostContext, type HostContext } from './host-context.ts';
import { withNotice } from './notices.ts';
import { fieldErrorsFrom } from './service-errors.ts';

/** GET /scheduling (the Event types tab) and POST /scheduling/profile (the page's address). */
export async function eventTypesTabRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  const render = async (reply: FastifyReply, c: HostContext, status = 200, slugTyped?: string, errors?: FieldErrors) =>
    sendPage(
      reply,
      status,
      eventTypesPage({
        c,
        issuer: s.kernel.config.ISSUER,
        eventTypes: await s.eventTypes.list(c.user.id),
        slugTyped,
        errors,
      }),
    );

  app.get('/scheduling', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    return c ? render(reply, c) : reply;
  });

  app.post('/scheduling/profile', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    const slug = field(request.body, 'slug').toLowerCase();
    try {
      await s.hosts.update(c.user.id, { slug, timezone: c.host.timezone });
    } catch (error) {
      if (!(error instanceof SchedulingError)) throw error;
      const errors = fieldErrorsFrom(error, { slug: 'slug' });
      if (errors.slug && error.status === 400)
        errors.slug =
          'Use 1 to 50 lowercase letters, digits and inner hyphens (some words, like “api”, are taken by the site).';
      if (errors.slug && error.status === 409) errors.slug = `“${slug}” is someone else’s address; choose another.`;
      return render(reply, c, error.status, slug, errors);
    }
    return seeOther(reply, withNotice('/scheduling', 'address'));
  });
}
