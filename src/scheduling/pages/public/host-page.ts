import type { FastifyInstance } from 'fastify';
import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { publicHostName } from '../../hosts/display-name.ts';
import { BOOKER_ASSETS } from '../assets/page-assets.ts';
import { sendPage, type PageDeps } from '../page-deps.ts';
import { hostBadge } from '../views/booker/host-badge.ts';
import { locationLabel } from '../views/location-label.ts';

/**
 * GET /{host}: the host's page listing what can be booked with them. An address that names no
 * host falls through to the platform's not-found answer (a page, or JSON for a JSON client).
 */
export async function hostPageRoutes(app: FastifyInstance, deps: PageDeps): Promise<void> {
  const { s } = deps;
  app.get<{ Params: { hostSlug: string } }>('/:hostSlug', { schema: { hide: true } }, async (request, reply) => {
    const host = await s.hosts.findBySlug(request.params.hostSlug);
    if (!host) return reply.callNotFound();
    const [person, eventTypes] = await Promise.all([s.hosts.person(host.userId), s.eventTypes.list(host.userId)]);
    const open = eventTypes.filter((e) => e.active);
    const name = publicHostName(person, host.slug);
    return sendPage(
      reply,
      200,
      page({
        title: name,
        styles: BOOKER_ASSETS.styles,
        body: html`<div class="host-page">${hostBadge(name)}
<h1>Book a meeting with ${name}</h1>
${
  open.length
    ? html`<ul class="event-list">${open.map(
        (e) => html`<li><a href="/${host.slug}/${e.slug}"><strong>${e.name}</strong>
<span class="hint">${e.durations.join(' or ')} min · ${locationLabel(e.location.kind)}</span>${e.description ? html`<span class="description">${e.description}</span>` : ''}</a></li>`,
      )}</ul>`
    : html`<p class="hint">${name} has nothing open for booking right now.</p>`
}</div>`,
      }),
    );
  });
}
