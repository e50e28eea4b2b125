import type { User } from '../../accounts/index.ts';
import type { Client } from '../../oauth/index.ts';
import { formatTime } from '../../ui/format-time.ts';
import { html } from '../../ui/html.ts';
import { logoImage } from '../logos/index.ts';
import { appFormFields, type AppFormView } from './app-form-page.ts';
import { consolePage, shownOnce } from './pages.ts';

/** /developers/apps/new */
export function newAppPage(user: User, view: AppFormView): string {
  return consolePage(
    user,
    'Register an app',
    html`<p class="crumbs"><a href="/developers">Developers</a> › New app</p>
<h1>Register an app</h1>
${appFormFields(view)}`,
  );
}

export interface AppPageView {
  user: User;
  client: Client;
  form: AppFormView;
  secret?: string | undefined;
  saved?: boolean | undefined;
}

const AUTH_DESCRIPTIONS: Record<string, string> = {
  client_secret_basic: 'client_secret_basic or client_secret_post',
  client_secret_post: 'client_secret_basic or client_secret_post',
  private_key_jwt: 'private_key_jwt: signs with its own key, no secret',
  client_secret_jwt: 'client_secret_jwt: signs with its secret',
};

/** /developers/apps/:id — the credentials, the settings form, rotate and delete. */
export function appPage({ user, client, form, secret, saved }: AppPageView): string {
  const confidential = client.type === 'confidential';
  const method = client.tokenEndpointAuthMethod;
  const withSecret = confidential && method !== 'private_key_jwt';
  return consolePage(
    user,
    client.name,
    html`<p class="crumbs"><a href="/developers">Developers</a> › ${client.name}</p>
<div class="app">${logoImage(client, 48)}<h1>${client.name}</h1></div>
${saved ? html`<p class="notice" role="status">Your changes were saved.</p>` : ''}
<section aria-labelledby="credentials-heading">
<h2 id="credentials-heading">Credentials</h2>
<dl class="contacts">
<dt>Client ID</dt><dd><code>${client.id}</code></dd>
<dt>Type</dt><dd>${confidential ? html`Confidential (${AUTH_DESCRIPTIONS[method] ?? method})` : 'Public (PKCE, no secret)'}</dd>
${client.fapi2 ? html`<dt>Security profile</dt><dd>FAPI 2.0 (pushed requests, PKCE, DPoP-bound tokens)</dd>` : ''}
<dt>Registered</dt><dd>${formatTime(client.createdAt, user.timeZone)}</dd>
</dl>
${secret ? shownOnce('Client secret', 'client-secret', secret, method === 'client_secret_jwt' ? 'It is shown only this once; Consentry keeps it encrypted, to check the JWTs signed with it. If you lose it, rotate it.' : 'It is shown only this once; Consentry keeps only a hash of it. If you lose it, rotate it.') : ''}
${
  withSecret
    ? html`<form method="post" action="/developers/apps/${client.id}/rotate-secret">
<input type="hidden" name="csrf" value="${form.csrfToken}">
<p class="hint">Rotating makes a new secret; the old one stops working at once.</p>
<button type="submit" class="secondary">Rotate secret</button>
</form>`
    : ''
}
</section>
<section aria-labelledby="settings-heading">
<h2 id="settings-heading">Settings</h2>
${appFormFields(form)}
</section>
<section aria-labelledby="danger-heading">
<h2 id="danger-heading">Delete</h2>
<p class="hint">Deleting the app ends every connection people gave it, and the tokens it holds for them stop working.</p>
<p><a class="button danger" href="/developers/apps/${client.id}/delete">Delete ${client.name}…</a></p>
</section>`,
  );
}

/** The confirmation before a delete: a plain page, so it works without JavaScript. */
export function deleteAppPage(user: User, client: Client, csrfToken: string): string {
  return consolePage(
    user,
    `Delete ${client.name}?`,
    html`<p class="crumbs"><a href="/developers">Developers</a> › <a href="/developers/apps/${client.id}">${client.name}</a> › Delete</p>
<h1>Delete ${client.name}?</h1>
<p>People who connected <strong>${client.name}</strong> lose that connection, and every token it holds for them stops working. Tokens it got for itself (client credentials) run until they expire. This cannot be undone.</p>
<form method="post" action="/developers/apps/${client.id}/delete">
<input type="hidden" name="csrf" value="${csrfToken}">
<div class="actions"><button type="submit" class="danger">Delete app</button><a class="button secondary" href="/developers/apps/${client.id}">Keep it</a></div>
</form>`,
  );
}
