import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { passkeySignInBlock } from '../passkeys/pages/passkey-sign-in-block.ts';

export interface SigninPageOptions {
  csrfToken: string;
  returnTo: string;
  identifier?: string | undefined;
  error?: string | undefined;
  /** Offer "Sign in with a passkey" (and passkeys in the field's autofill) to browsers that can. */
  passkeys?: boolean | undefined;
  /** Why a passkey sign-in just failed. */
  passkeyError?: string | undefined;
}

/** "Email or phone number" → Continue. Doubles as sign-up: an unknown address gets an account. */
export function signinPage({
  csrfToken,
  returnTo,
  identifier,
  error,
  passkeys,
  passkeyError,
}: SigninPageOptions): string {
  const invalid = error
    ? html`aria-invalid="true" aria-describedby="identifier-error identifier-hint"`
    : html`aria-describedby="identifier-hint"`;
  // "webauthn" lets the browser offer passkeys as autofill suggestions (conditional mediation).
  const autocomplete = passkeys ? 'username webauthn' : 'username';
  return page({
    title: 'Sign in',
    body: html`<h1>Sign in or create an account</h1>
<p class="hint">We’ll send you a one-time code — no password needed.</p>
${error ? html`<p class="error" role="alert" id="identifier-error">${error}</p>` : ''}
${passkeyError ? html`<p class="error" role="alert" id="passkey-error">${passkeyError}</p>` : ''}
<form method="post" action="/signin">
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="return_to" value="${returnTo}">
<label for="identifier">Email or phone number</label>
<input id="identifier" name="identifier" type="text" autocomplete="${autocomplete}" autocapitalize="none" spellcheck="false" required maxlength="320" value="${identifier ?? ''}" ${invalid} autofocus>
<p class="hint" id="identifier-hint">For a phone number, include the country code, like +44 7911 123456.</p>
<button type="submit">Continue</button>
</form>
${passkeys ? passkeySignInBlock({ csrfToken, returnTo, autofill: !passkeyError }) : ''}`,
  });
}
