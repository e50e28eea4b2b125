import { html, type Html } from '../../../../ui/html.ts';
import type { EventType } from '../../../event-types/event-type.ts';
import type { HostContext } from '../../host/host-context.ts';
import { csrfField } from '../errors-view.ts';
import { fieldAttributes, fieldError, type FieldErrors } from '../field-errors.ts';
import { locationLabel } from '../location-label.ts';
import { copyableLink } from './copy-link.ts';
import { hostPage } from './host-shell.ts';

export interface EventTypesView {
  c: HostContext;
  issuer: string;
  eventTypes: EventType[];
  /** The address form as sent, when it was refused. */
  slugTyped?: string | undefined;
  errors?: FieldErrors | undefined;
}

/** The first tab: the host's page address (shareable, changeable) and their event types. */
export function eventTypesPage(v: EventTypesView): string {
  const { c } = v;
  const errors = v.errors ?? {};
  const pageUrl = `${v.issuer}/${c.host.slug}`;
  return hostPage({
    user: c.user,
    title: 'Event types',
    tab: 'event-types',
    notice: c.notice,
    body: html`<h1>Event types</h1>
<section aria-labelledby="page-heading" class="panel">
<h2 id="page-heading">Your booking page</h2>
<p>${copyableLink(pageUrl, 'host-link')}</p>
<details${errors.slug ? html` open` : ''}><summary>Change the address</summary>
<form method="post" action="/scheduling/profile" novalidate>${csrfField(c.csrfToken)}
<label for="slug">Address</label>
${fieldError(errors, 'slug')}
<div class="prefixed"><span aria-hidden="true">${v.issuer}/</span><input id="slug" name="slug" value="${v.slugTyped ?? c.host.slug}" required maxlength="50" autocapitalize="none" spellcheck="false"${fieldAttributes(errors, 'slug', 'slug-hint')}></div>
<p class="hint" id="slug-hint">Lowercase letters, digits and hyphens. Links you shared before stop working.</p>
<button type="submit" class="secondary">Save address</button>
</form></details>
</section>
<section aria-labelledby="types-heading">
<div class="section-head"><h2 id="types-heading">What people can book</h2><a class="button small" href="/scheduling/event-types/new">New event type</a></div>
${v.eventTypes.length ? html`<ul class="rows">${v.eventTypes.map((e) => eventTypeRow(e, v))}</ul>` : html`<p class="hint">Nothing yet. Create an event type, such as a 30-minute call, and share its link.</p>`}
</section>`,
  });
}

function eventTypeRow(e: EventType, v: EventTypesView): Html {
  const url = `${v.issuer}/${v.c.host.slug}/${e.slug}`;
  const token = v.c.csrfToken;
  return html`<li class="event-type"><div>
<p class="row-title"><strong>${e.name}</strong>${e.active ? '' : html` <span class="badge">Off</span>`}</p>
<p class="hint">${e.durations.join(' or ')} min · ${locationLabel(e.location.kind)}</p>
${e.active ? html`<p>${copyableLink(url, `link-${e.id}`)}</p>` : ''}
</div>
<div class="actions"><a href="/scheduling/event-types/${e.id}">Edit<span class="visually-hidden"> ${e.name}</span></a>
<form method="post" action="/scheduling/event-types/${e.id}/toggle">${csrfField(token)}<button type="submit" class="link">${e.active ? 'Turn off' : 'Turn on'}<span class="visually-hidden"> ${e.name}</span></button></form>
<a href="/scheduling/event-types/${e.id}/delete">Delete<span class="visually-hidden"> ${e.name}</span></a></div></li>`;
}
