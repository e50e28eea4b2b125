import { displayName, type User } from '../../accounts/index.ts';
import type { Client } from '../../oauth/index.ts';
import type { PersonalToken } from '../../oauth/index.ts';
import { formatTime } from '../../ui/format-time.ts';
import { html, type Html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { logoImage } from '../logos/index.ts';

/** Every console page: signed-in header, "Developers" marked current, the wide card. */
export function consolePage(user: User, title: string, body: Html): string {
  return page({ title, body, signedInAs: displayName(user), nav: 'developers', wide: true });
}

/** A secret shown once, in a read-only field a person can select and copy. */
export function shownOnce(label: string, id: string, value: string, note: string): Html {
  return html`<div class="once" role="status">
<label for="${id}">${label}</label>
<input id="${id}" type="text" class="secret" readonly value="${value}" spellcheck="false" autocomplete="off">
<p class="hint"><strong>Copy it now.</strong> ${note}</p>
</div>`;
}

export interface DashboardView {
  user: User;
  apps: Client[];
  tokens: PersonalToken[];
  csrfToken: string;
  issuer: string;
  newToken?: { name: string; value: string } | undefined;
  notice?: string | undefined;
  /** Products' own blocks, already rendered (e.g. webhooks). */
  sections?: Html[];
}

/** Settings → Developers: your apps and your personal access tokens. */
export function dashboardPage(view: DashboardView): string {
  const { user } = view;
  const app = (client: Client) => html`<li class="app-row">
${logoImage(client, 40)}
<div><a href="/developers/apps/${client.id}"><strong>${client.name}</strong></a>
<div class="hint">${client.type === 'public' ? 'Public' : 'Confidential'} · <code>${client.id}</code></div></div>
</li>`;
  const token = (t: PersonalToken) => html`<li class="token-row">
<div><strong>${t.name}</strong>
<div class="hint">${t.scopes.map((s, i) => html`${i ? ' ' : ''}<code>${s}</code>`)}</div>
<div class="hint">Created ${formatTime(t.createdAt, user.timeZone)} · ${t.lastUsedAt ? html`last used ${formatTime(t.lastUsedAt, user.timeZone)}` : 'never used'}${t.expiresAt ? html` · expires ${formatTime(t.expiresAt, user.timeZone)}` : ''}</div></div>
<form method="post" action="/developers/tokens/${t.id}/revoke">
<input type="hidden" name="csrf" value="${view.csrfToken}">
<button type="submit" class="secondary small">Revoke<span class="visually-hidden"> ${t.name}</span></button>
</form>
</li>`;
  return consolePage(
    user,
    'Developers',
    html`<h1>Developers</h1>
<p>Register apps that sign people in with Consentry and use its APIs with their consent. The issuer is <code>${view.issuer}</code>; apps find every endpoint at <a href="/.well-known/openid-configuration"><code>/.well-known/openid-configuration</code></a>. The <a href="/docs">API reference</a> describes each API.</p>
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Your apps</h2>
${view.apps.length ? html`<ul class="rows">${view.apps.map(app)}</ul>` : html`<p class="hint">You have not registered an app yet.</p>`}
<p><a class="button" href="/developers/apps/new">Register an app</a></p>
</section>
<section aria-labelledby="tokens-heading">
<h2 id="tokens-heading">Personal access tokens</h2>
<p class="hint">For your own scripts: a token acts as you on the APIs, with the scopes you choose, until you revoke it.</p>
${view.newToken ? shownOnce(`Your new token “${view.newToken.name}”`, 'new-token', view.newToken.value, 'It is shown only this once; Consentry keeps only a hash of it.') : ''}
${view.tokens.length ? html`<ul class="rows">${view.tokens.map(token)}</ul>` : html`<p class="hint">You have no personal access tokens.</p>`}
<p><a class="button secondary" href="/developers/tokens/new">Create a token</a></p>
</section>
${view.sections ?? []}`,
  );
}
