import { html } from './html.ts';
import { page } from './layout.ts';

export interface StatusPageOptions {
  title: string;
  message: string;
  /** Where to go from here (default: the account page); null when there is nowhere of ours to go. */
  link?: { href: string; text: string } | null;
  /** A line of advice under the message. */
  hint?: string;
}

/** A short page for dead ends: a forged form, something that does not exist (or is not yours), a refused request. */
export function statusPage({
  title,
  message,
  link = { href: '/account', text: 'Go to your account' },
  hint,
}: StatusPageOptions): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
${hint ? html`<p class="hint">${hint}</p>` : ''}
${link ? html`<p><a href="${link.href}">${link.text}</a></p>` : ''}`,
  });
}

/** For requests an app started: the person goes back to the app rather than to us. */
export const BACK_TO_APP_HINT =
  "Go back to the app you came from and try again. If this keeps happening, tell the app's developer.";

/** For the sign-in pages. */
export const SIGN_IN_LINK = { href: '/signin', text: 'Go to sign in' };

export const NOT_FOUND: StatusPageOptions = {
  title: 'Not found',
  // The same words whether it does not exist or belongs to someone else: ids are not probed.
  message: 'There is nothing here, or it is not yours to see.',
};

export const FORM_EXPIRED: StatusPageOptions = {
  title: 'This form has expired',
  message: 'For your security this form can no longer be sent. Go back, reload the page and try again.',
};
