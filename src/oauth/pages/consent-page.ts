import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { logoImage } from '../../ui/logo-image.ts';
import type { Client } from '../clients/client.ts';

export interface ConsentView {
  client: Client;
  redirectUri: string;
  scopes: string[];
  interactionId: string;
  csrfToken: string;
  signedInAs: string;
}

/**
 * Names the app (with its logo, served first-party through /logos), the host it returns to,
 * and each requested scope in plain words.
 */
export function consentPage(view: ConsentView, registry: ScopeRegistry): string {
  const host = hostOf(view.redirectUri);
  return page({
    title: `Allow ${view.client.name}?`,
    signedInAs: view.signedInAs,
    body: html`<div class="app">${logoImage(view.client, 48)}<h1>${view.client.name} wants to use your account</h1></div>
${view.client.verified ? '' : unverifiedNotice(view.client)}
<p>It will be able to:</p>
<ul class="scopes">${view.scopes.map((s) => html`<li>${registry.scope(s)?.description ?? s}</li>`)}</ul>
<p class="hint">After you decide you will be sent to <strong>${host}</strong>. You can revoke access at any time from your account page.</p>
<form method="post" action="/oauth/interaction/${view.interactionId}">
<input type="hidden" name="csrf" value="${view.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}

/** Apps made by anyone (registration, metadata documents, /developers) are not vouched for. */
function unverifiedNotice(client: Client) {
  const how =
    client.registeredVia === 'dcr' || client.registeredVia === 'metadata'
      ? 'This app registered itself.'
      : 'This app was made by a Consentry user.';
  return html`<p class="notice" role="note"><strong>Unverified app.</strong> ${how} Consentry has not checked who runs it: continue only if you trust where you came from.</p>`;
}

function hostOf(uri: string): string {
  try {
    const url = new URL(uri);
    return url.host || url.protocol;
  } catch {
    return uri;
  }
}
