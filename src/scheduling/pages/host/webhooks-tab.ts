import type { FastifyInstance } from 'fastify';
import { html } from '../../../ui/html.ts';
import { webhooksSectionFor } from '../developers/webhooks-section.ts';
import { sendPage, type PageDeps } from '../page-deps.ts';
import { hostPage } from '../views/host/host-shell.ts';
import { hostContext } from './host-context.ts';

/** GET /scheduling/webhooks: the same webhook block as /developers, coming back here after each form. */
export async function webhooksTabRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const section = webhooksSectionFor(deps.s, '/scheduling/webhooks');
  app.get('/scheduling/webhooks', { schema: { hide: true } }, async (request, reply) => {
    const c = await hostContext(deps, request, reply);
    if (!c) return reply;
    return sendPage(
      reply,
      200,
      hostPage({
        user: c.user,
        title: 'Webhooks',
        tab: 'webhooks',
        notice: c.notice,
        body: html`<h1>Webhooks</h1>
<p class="hint">Your server hears about each booking, cancellation and reschedule as it happens, signed with a secret.</p>
${await section({ user: c.user, csrfToken: c.csrfToken })}`,
      }),
    );
  });
}
