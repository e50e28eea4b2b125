import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import { formatTime } from '../../ui/format-time.ts';
import { html, type Html } from '../../ui/html.ts';
import { failureWords, providerName, statusWords } from './connection-words.ts';
import type { Holdings } from './holdings.ts';

export interface ProvidersListView {
  connections: Connection[];
  catalog: Catalog;
  holdings: Holdings;
  csrfToken: string;
  timeZone: string | null;
  /** Where the forms post: `${base}/connections/:id/refresh`, and the remove page `${base}/connections/:id/remove`. */
  base: string;
}

/**
 * The person's linked providers on /account: what each holds, when it was last read, why the
 * last read failed in plain words, a Refresh button and Remove (which asks first, on its own page).
 */
export function accountProvidersList(view: ProvidersListView): Html {
  if (view.connections.length === 0) return html`<p class="hint">Nothing linked yet.</p>`;
  const row = (c: Connection) => {
    const held = view.holdings.get(c.id);
    const failed = failureWords(view.catalog, c);
    const label = html`<span class="visually-hidden"> ${c.displayLabel}</span>`;
    return html`<li>
<div><strong>${c.displayLabel}</strong> <span class="hint">${providerName(view.catalog, c)} · ${statusWords(c)}</span>
${held?.length ? html`<p class="holdings">${held.join(' · ')}</p>` : ''}
<p class="hint">${c.lastRefreshedAt === null ? 'Not read yet' : html`Last read ${formatTime(c.lastRefreshedAt, view.timeZone)}`}</p>
${failed ? html`<p class="error">${failed.reason}${failed.detail ? html` <span class="hint">(${failed.detail})</span>` : ''}</p>` : ''}</div>
<div class="actions">
${
  c.status === 'pending'
    ? ''
    : html`<form method="post" action="${view.base}/connections/${c.id}/refresh"><input type="hidden" name="csrf" value="${view.csrfToken}"><button type="submit" class="secondary small">Refresh${label}</button></form>`
}
<a class="button secondary small" href="${view.base}/connections/${c.id}/remove">Remove${label}</a>
</div>
</li>`;
  };
  return html`<ul class="rows">${view.connections.map(row)}</ul>`;
}
