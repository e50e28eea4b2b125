import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

export interface LogoutConfirmPageOptions {
  csrfToken: string;
  /** The app asking, when it could be named. */
  appName: string | undefined;
  /** Carried to the confirmation POST, where they are checked again. */
  clientId: string | undefined;
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
}

/** "Sign out of Consentry?": shown when the request cannot prove it comes from this session's app. */
export function logoutConfirmPage(options: LogoutConfirmPageOptions): string {
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : html`<input type="hidden" name="${name}" value="${value}">`;
  const asking = options.appName
    ? html`<p><strong>${options.appName}</strong> asks to sign you out of Consentry.</p>`
    : html`<p>A site asks to sign you out of Consentry.</p>`;
  return page({
    title: 'Sign out of Consentry?',
    body: html`<h1>Sign out of Consentry?</h1>
${asking}
<p class="hint">Signing out here also signs you out of the apps you signed in to with Consentry in this browser.</p>
<form method="post" action="/oauth/end_session/confirm">
<input type="hidden" name="csrf" value="${options.csrfToken}">
${hidden('client_id', options.clientId)}
${hidden('post_logout_redirect_uri', options.postLogoutRedirectUri)}
${hidden('state', options.state)}
<button type="submit">Sign out</button>
</form>
<p><a href="/account">Stay signed in</a></p>`,
  });
}

/** The end of a sign-out that has no registered place to return to. */
export function signedOutPage(): string {
  return page({
    title: 'You are signed out',
    body: html`<h1>You are signed out</h1>
<p role="status">You are signed out of Consentry in this browser. You can close this page.</p>
<p><a href="/signin">Sign in again</a></p>`,
  });
}
