import { html, type Html } from '../../../ui/html.ts';

/**
 * "Sign in with a passkey" under the sign-in form: hidden until /assets/passkeys.js finds a
 * browser that can use passkeys, so without JavaScript the page is the code flow alone. The
 * script fills `credential` with the authenticator's answer and submits the form. With
 * `autofill` it also offers passkeys in the identifier field's suggestions (conditional
 * mediation); not right after a passkey failed, where the message and the button come first.
 */
export function passkeySignInBlock({
  csrfToken,
  returnTo,
  autofill,
}: {
  csrfToken: string;
  returnTo: string;
  autofill: boolean;
}): Html {
  return html`<div class="passkey-block" data-passkeys hidden>
<p class="or"><span>or</span></p>
<form method="post" action="/signin/passkey" id="passkey-signin-form"${autofill ? html` data-autofill` : ''}>
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="return_to" value="${returnTo}">
<input type="hidden" name="credential" value="">
<button type="button" class="secondary">Sign in with a passkey</button>
</form>
<p class="error" role="alert" data-passkey-message hidden></p>
</div>
<script src="/assets/passkeys.js" defer></script>`;
}
