import { html, type Html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import { displayName, type User } from '../users/user.ts';

export interface AccountPageOptions {
  user: User;
  csrfToken: string;
  /** Extra blocks other features contribute (e.g. the apps you granted access to). */
  sections?: Html[] | undefined;
}

/** The sign-out button: a POST form with its CSRF token, reusable on other pages. */
export function signOutForm(csrfToken: string): Html {
  return html`<form method="post" action="/signout">
<input type="hidden" name="csrf" value="${csrfToken}">
<button type="submit" class="secondary">Sign out</button>
</form>`;
}

export function accountPage({ user, csrfToken, sections = [] }: AccountPageOptions): string {
  const contact = (label: string, value: string | null, verified: boolean) =>
    value
      ? html`<dt>${label}</dt><dd>${value}${verified ? '' : html` <span class="hint">(not verified)</span>`}</dd>`
      : '';
  return page({
    title: 'Your account',
    signedInAs: displayName(user),
    nav: 'account',
    body: html`<h1>Your account</h1>
<p>Signed in as <strong>${displayName(user)}</strong></p>
<dl class="contacts">${contact('Email', user.email, user.emailVerified)}${contact('Phone', user.phone, user.phoneVerified)}</dl>
${sections}
${signOutForm(csrfToken)}`,
  });
}
