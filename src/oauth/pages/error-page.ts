import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

/** Shown instead of redirecting when the client or redirect URI cannot be trusted. */
export function errorPage(title: string, message: string): string {
  return page({
    title,
    body: html`<h1>${title}</h1>
<p class="error" role="alert">${message}</p>
<p class="hint">Go back to the app you came from and try again. If this keeps happening, tell the app's developer.</p>`,
  });
}
