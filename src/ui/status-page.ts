import { html } from './html.ts';
import { page } from './layout.ts';

export interface StatusPageOptions {
  title: string;
  message: string;
  link?: { href: string; text: string };
}

/** A short page for dead ends: a forged form, something that does not exist (or is not yours). */
export function statusPage({ title, message, link = { href: '/account', text: 'Go to your account' } }: StatusPageOptions): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
<p><a href="${link.href}">${link.text}</a></p>`,
  });
}

export const NOT_FOUND: StatusPageOptions = {
  title: 'Not found',
  // The same words whether it does not exist or belongs to someone else: ids are not probed.
  message: 'There is nothing here, or it is not yours to see.',
};

export const FORM_EXPIRED: StatusPageOptions = {
  title: 'This form has expired',
  message: 'For your security this form can no longer be sent. Go back, reload the page and try again.',
};
