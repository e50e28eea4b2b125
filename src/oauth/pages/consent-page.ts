import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { logoImage } from '../../ui/logo-image.ts';
import type { Client } from '../clients/client.ts';

interface ConsentCommon {
  client: Client;
  scopes: string[];
  csrfToken: string;
  signedInAs: string;
}

/** The code flow's consent: the decision goes back to the app's redirect URI. */
export interface ConsentView extends ConsentCommon {
  redirectUri: string;
  interactionId: string;
}

/** The device flow's consent (RFC 8628): the app runs on another device, which shows `userCode`. */
export interface DeviceConsentView extends ConsentCommon {
  device: { requestId: string; userCode: string };
}

/**
 * Names the app (with its logo, served first-party through /logos), where the decision goes
 * (the host it returns to, or the device showing the code), and each requested scope in plain
 * words.
 */
export function consentPage(view: ConsentView | DeviceConsentView, registry: ScopeRegistry): string {
  const target = decisionTarget(view);
  return page({
    title: `Allow ${view.client.name}?`,
    signedInAs: view.signedInAs,
    body: html`<div class="app">${logoImage(view.client, 48)}<h1>${view.client.name} wants to use your account</h1></div>
${view.client.verified ? '' : unverifiedNotice(view.client)}
${target.notice}
<p>It will be able to:</p>
<ul class="scopes">${view.scopes.map((s) => html`<li>${registry.scope(s)?.description ?? s}</li>`)}</ul>
<p class="hint">${target.afterwards} You can revoke access at any time from your account page.</p>
<form method="post" action="${target.action}">
<input type="hidden" name="csrf" value="${view.csrfToken}">
${target.hidden}
<div class="actions">
<button type="submit" name="decision" value="approve">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`,
  });
}

/** Where the decision is posted, and what the person is told happens next. */
function decisionTarget(view: ConsentView | DeviceConsentView) {
  if ('device' in view)
    return {
      action: '/device/consent',
      hidden: html`<input type="hidden" name="request" value="${view.device.requestId}">`,
      notice: deviceNotice(view.device.userCode),
      afterwards: html`After you decide, go back to your device.`,
    };
  return {
    action: `/oauth/interaction/${view.interactionId}`,
    hidden: '',
    notice: '',
    afterwards: html`After you decide you will be sent to <strong>${hostOf(view.redirectUri)}</strong>.`,
  };
}

/**
 * RFC 8628 §5.4: a code can be passed on by someone else (remote phishing); the person checks
 * it is the one their own device shows.
 */
function deviceNotice(userCode: string) {
  return html`<p class="notice" role="note">Only continue if you are signing in on a device of yours that shows the code <strong class="user-code">${userCode}</strong>. If someone sent you this code, deny.</p>`;
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
