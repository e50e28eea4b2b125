import { formatTime } from '../../../ui/format-time.ts';
import { html, type Html } from '../../../ui/html.ts';
import type { User } from '../../users/user.ts';
import { PASSKEY_NAME_MAX, type Passkey } from '../passkey.ts';

const NOTICES: Record<string, string> = {
  added: 'Your passkey was added. You can use it the next time you sign in.',
  renamed: 'Your passkey was renamed.',
  removed: 'Your passkey was removed. Remove it from your device or password manager too.',
};

/**
 * The /account block: the person's passkeys (name, synced or not, added, last used) with
 * Rename and Remove, and "Add a passkey", which needs the page script and is hidden without it.
 */
export function passkeysSection({
  user,
  passkeys,
  csrfToken,
  notice,
}: {
  user: User;
  passkeys: Passkey[];
  csrfToken: string;
  notice?: string | undefined;
}): Html {
  const row = (passkey: Passkey) => html`<li class="passkey">
<div><strong>${passkey.name}</strong>${passkey.synced ? html` <span class="badge">Synced</span>` : ''}
<div class="hint">Added ${formatTime(passkey.createdAt, user.timeZone)} · ${passkey.lastUsedAt === null ? 'never used' : html`last used ${formatTime(passkey.lastUsedAt, user.timeZone)}`}</div></div>
<div class="actions">
<a href="/account/passkeys/${passkey.id}/rename">Rename<span class="visually-hidden"> ${passkey.name}</span></a>
<a class="button secondary small" href="/account/passkeys/${passkey.id}/remove">Remove<span class="visually-hidden"> ${passkey.name}</span></a>
</div>
</li>`;
  const shown = notice ? NOTICES[notice] : undefined;
  return html`<section aria-labelledby="passkeys-heading">
<h2 id="passkeys-heading">Passkeys</h2>
${shown ? html`<p class="notice" role="status">${shown}</p>` : ''}
<p class="hint">Sign in with your fingerprint, face or screen lock instead of a code. Codes keep working, on any device.</p>
${passkeys.length ? html`<ul class="rows">${passkeys.map(row)}</ul>` : html`<p>You have no passkeys yet.</p>`}
<div data-passkeys hidden>
<form method="post" action="/account/passkeys" id="passkey-add-form">
<input type="hidden" name="csrf" value="${csrfToken}">
<input type="hidden" name="credential" value="">
<label for="passkey-name">Name <span class="hint">(optional)</span></label>
<input id="passkey-name" name="name" type="text" maxlength="${PASSKEY_NAME_MAX}" autocomplete="off" aria-describedby="passkey-name-hint">
<p class="hint" id="passkey-name-hint">Something to tell it apart, like “Work laptop”. Left empty, it is named after this browser.</p>
<button type="submit">Add a passkey</button>
</form>
<p class="error" role="alert" data-passkey-message hidden></p>
</div>
<p class="hint" id="passkey-unsupported">Adding a passkey needs JavaScript and a browser that supports passkeys.</p>
<script src="/assets/passkeys.js" defer></script>
</section>`;
}
