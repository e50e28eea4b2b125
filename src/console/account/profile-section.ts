import type { AccountSection } from '../../accounts/index.ts';
import { html } from '../../ui/html.ts';

/** The /account block with the person's name and time zone, and the way to change them. */
export function profileSection(): AccountSection {
  return ({ user, request }) => {
    const saved = (request.query as Record<string, unknown> | undefined)?.saved === 'profile';
    const value = (text: string | null) => (text ? text : html`<span class="hint">Not set</span>`);
    return html`<section aria-labelledby="profile-heading">
<h2 id="profile-heading">Profile</h2>
${saved ? html`<p class="notice" role="status">Your profile was saved.</p>` : ''}
<dl class="contacts"><dt>Name</dt><dd>${value(user.name)}</dd><dt>Time zone</dt><dd>${value(user.timeZone)}</dd></dl>
<p><a href="/account/profile">Edit profile</a></p>
</section>`;
  };
}
