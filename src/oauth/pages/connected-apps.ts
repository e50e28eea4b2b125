import type { AccountSection } from '../../accounts/index.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { html } from '../../ui/html.ts';
import { GrantRepository } from '../consent/grant-repository.ts';

/** The /account block listing the apps a person let in, each with "Revoke access". */
export function connectedAppsSection(ctx: OAuthContext): AccountSection {
  const grants = new GrantRepository(ctx.database.db);
  return async ({ user, csrfToken }) => {
    const active = await grants.listActiveForUser(user.id);
    const rows = await Promise.all(
      active.map(async (grant) => {
        const client = await ctx.clients.findById(grant.clientId);
        return html`<li class="grant">
<strong>${client?.name ?? grant.clientId}</strong>
<ul class="scopes">${grant.scopes.map((s) => html`<li>${ctx.registry.scope(s)?.description ?? s}</li>`)}</ul>
<form method="post" action="/account/apps/${grant.id}/revoke">
<input type="hidden" name="csrf" value="${csrfToken}">
<button type="submit" class="secondary">Revoke access for ${client?.name ?? 'this app'}</button>
</form>
</li>`;
      }),
    );
    return html`<section aria-labelledby="apps-heading">
<h2 id="apps-heading">Connected apps</h2>
${rows.length ? html`<ul class="grants">${rows}</ul>` : html`<p class="hint">No app has access to your account.</p>`}
</section>`;
  };
}
