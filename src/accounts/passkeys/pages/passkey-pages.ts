import { html } from '../../../ui/html.ts';
import { page } from '../../../ui/layout.ts';
import { displayName, type User } from '../../users/user.ts';
import { PASSKEY_NAME_MAX, type Passkey } from '../passkey.ts';

const BACK = html`<p><a href="/account#passkeys-heading">Back to your account</a></p>`;

/** /account/passkeys/{id}/rename: the name field, Save. */
export function renamePasskeyPage({
  user,
  passkey,
  csrfToken,
  value,
  error,
}: {
  user: User;
  passkey: Passkey;
  csrfToken: string;
  value: string;
  error?: string | undefined;
}): string {
  const described = error ? html` aria-invalid="true" aria-describedby="name-error"` : '';
  return page({
    title: 'Rename passkey',
    signedInAs: displayName(user),
    nav: 'account',
    body: html`<h1>Rename passkey</h1>
<p>Currently <strong>${passkey.name}</strong>.</p>
${error ? html`<p class="error" role="alert" id="name-error">${error}</p>` : ''}
<form method="post" action="/account/passkeys/${passkey.id}/rename">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="name">Name</label>
<input id="name" name="name" type="text" required maxlength="${PASSKEY_NAME_MAX}" value="${value}" autocomplete="off"${described} autofocus>
<button type="submit">Save</button>
</form>
${BACK}`,
  });
}

/** /account/passkeys/{id}/remove: what removing means, and the button that does it. */
export function removePasskeyPage({
  user,
  passkey,
  csrfToken,
  lastOne,
}: {
  user: User;
  passkey: Passkey;
  csrfToken: string;
  lastOne: boolean;
}): string {
  return page({
    title: 'Remove passkey',
    signedInAs: displayName(user),
    nav: 'account',
    body: html`<h1>Remove passkey?</h1>
<p>You will no longer be able to sign in with <strong>${passkey.name}</strong>. ${
      lastOne
        ? 'It is your only passkey: you will sign in with a one-time code.'
        : 'Your other passkeys and one-time codes keep working.'
    }</p>
<p class="hint">The passkey stays on your device or in your password manager until you delete it there.</p>
<form method="post" action="/account/passkeys/${passkey.id}/remove">
<input type="hidden" name="csrf" value="${csrfToken}">
<div class="actions">
<button type="submit" class="danger">Remove passkey</button>
<a class="button secondary" href="/account#passkeys-heading">Keep it</a>
</div>
</form>`,
  });
}
