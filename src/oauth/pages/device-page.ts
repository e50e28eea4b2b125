import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

export interface DeviceCodePageOptions {
  csrfToken: string;
  signedInAs: string;
  /** What the person typed (or the code of a verification_uri_complete link), shown again. */
  userCode?: string | undefined;
  error?: string | undefined;
}

/** "Connect a device": the one field for the code the device shows, then Continue. */
export function deviceCodePage({ csrfToken, signedInAs, userCode, error }: DeviceCodePageOptions): string {
  const described = error
    ? html`aria-invalid="true" aria-describedby="user-code-error user-code-hint"`
    : html`aria-describedby="user-code-hint"`;
  return page({
    title: 'Connect a device',
    signedInAs,
    body: html`<h1>Connect a device</h1>
<p>An app on another device — a command line, a TV, an AI agent — is asking to use your account. Enter the code it shows.</p>
${error ? html`<p class="error" role="alert" id="user-code-error">${error}</p>` : ''}
<form method="post" action="/device">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="user_code">Code shown on your device</label>
<input id="user_code" name="user_code" type="text" class="code user-code" autocomplete="off" autocapitalize="characters" spellcheck="false" required maxlength="20" value="${userCode ?? ''}" ${described} autofocus>
<p class="hint" id="user-code-hint">8 letters, like BCDF-GHJK. The dash is optional.</p>
<button type="submit">Continue</button>
</form>`,
  });
}

/** What the person sees after deciding: the device carries on by itself. */
export function deviceDonePage(outcome: 'approved' | 'denied', signedInAs: string): string {
  const approved = outcome === 'approved';
  return page({
    title: approved ? 'Device connected' : 'Request denied',
    signedInAs,
    body: approved
      ? html`<h1>Device connected</h1>
<p role="status">You allowed the app. Go back to your device: it continues on its own in a few seconds.</p>
<p class="hint">You can see the app and revoke its access at any time on your <a href="/account">account page</a>.</p>`
      : html`<h1>Request denied</h1>
<p role="status">The app did not get access to your account. You can close this page.</p>
<p><a href="/account">Go to your account</a></p>`,
  });
}
