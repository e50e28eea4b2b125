import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { displayName, type User } from '../../../accounts/index.ts';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { toIsoUtc } from '../../time.ts';
import { withNotice, type NoticeKey } from '../host/notices.ts';
import { field, message, seeOther, sendPage, signedIn, type PageDeps } from '../page-deps.ts';
import { errorBlock } from '../views/errors-view.ts';
import { SchedulingError } from '../../errors.ts';
import { safeBack } from './webhooks-section.ts';

/** Runs a webhook action for the signed-in person, then back where the form came from. */
async function webhookAction(
  deps: PageDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  notice: NoticeKey,
  action: (user: User) => Promise<void>,
): Promise<FastifyReply> {
  const user = await signedIn(deps, request, reply);
  if (!user) return reply;
  try {
    await action(user);
  } catch (error) {
    if (!(error instanceof SchedulingError)) throw error;
    return sendPage(reply, error.status, message('That didn’t work', error.message));
  }
  const back = safeBack(field(request.body, 'back'));
  return seeOther(reply, back === '/developers' ? back : withNotice(back, notice));
}

/** The webhook forms under /developers/webhooks: add (secret shown once), remove, re-enable, delivery log. */
export async function webhookFormRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  app.post(
    '/developers/webhooks',
    { schema: { hide: true }, config: { repeatableFields: ['events'] } },
    async (request, reply) => {
      const user = await signedIn(deps, request, reply);
      if (!user) return reply;
      const back = safeBack(field(request.body, 'back'));
      const raw = (request.body as Record<string, unknown>).events;
      const events = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String);
      try {
        const { webhook, secret } = await s.webhooks.create(user.id, { url: field(request.body, 'url'), events });
        return sendPage(
          reply,
          200,
          page({
            title: 'Webhook added',
            signedInAs: displayName(user),
            body: html`<h1>Webhook added</h1><p>Deliveries to <strong>${webhook.url}</strong> are signed with this secret. Copy it now: it is not shown again.</p>
<p><code id="webhook-secret">${secret}</code></p><p><a href="${back}">Back</a></p>`,
          }),
        );
      } catch (error) {
        if (!(error instanceof SchedulingError)) throw error;
        return sendPage(
          reply,
          error.status,
          page({
            title: 'Webhook not added',
            signedInAs: displayName(user),
            body: html`<h1>Webhook not added</h1>${errorBlock(error)}<p><a href="${back}">Back</a></p>`,
          }),
        );
      }
    },
  );

  app.post<{ Params: { id: string } }>(
    '/developers/webhooks/:id/delete',
    { schema: { hide: true } },
    async (request, reply) =>
      webhookAction(deps, request, reply, 'webhook-removed', (user) => s.webhooks.delete(user.id, request.params.id)),
  );

  app.post<{ Params: { id: string } }>(
    '/developers/webhooks/:id/enable',
    { schema: { hide: true } },
    async (request, reply) =>
      webhookAction(deps, request, reply, 'webhook-enabled', async (user) => {
        await s.webhooks.enable(user.id, request.params.id);
      }),
  );

  app.get<{ Params: { id: string } }>(
    '/developers/webhooks/:id',
    { schema: { hide: true } },
    async (request, reply) => {
      const user = await signedIn(deps, request, reply);
      if (!user) return reply;
      const webhook = await s.webhooks.get(user.id, request.params.id);
      const deliveries = await s.webhooks.deliveries(user.id, webhook.id);
      return sendPage(
        reply,
        200,
        page({
          title: 'Webhook deliveries',
          signedInAs: displayName(user),
          body: html`<h1>Deliveries to <code>${webhook.url}</code></h1>
${webhook.active ? '' : html`<p class="error">Disabled: ${webhook.disabledReason ?? 'turned off'}</p>`}
${deliveries.length ? html`<ul>${deliveries.map((d) => html`<li>${toIsoUtc(d.createdAt)} · ${d.event} · ${d.status} after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.lastStatusCode ? ` · HTTP ${d.lastStatusCode}` : ''}${d.lastError ? ` · ${d.lastError}` : ''}</li>`)}</ul>` : html`<p class="hint">No deliveries yet.</p>`}
<p><a href="/scheduling/webhooks">Back</a></p>`,
        }),
      );
    },
  );
}
