import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

/** A short page for dead ends: a forged or stale form, a malformed request, a server fault. */
export function messagePage(title: string, message: string, link = { href: '/signin', text: 'Go to sign in' }): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
<p><a href="${link.href}">${link.text}</a></p>`,
  });
}
