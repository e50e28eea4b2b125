import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';

export function messagePage(title: string, message: string): string {
  return page({ title, body: html`<h1>${title}</h1><p class="error" role="alert">${message}</p>` });
}

/** After the exchange's consent, when there is no widget to return to. */
export function oauthDonePage(providerName: string): string {
  return page({
    title: `${providerName} is linked`,
    body: html`<h1>${providerName} is linked</h1><p role="status">It is being read now. You can close this window and go back to the app, or see it under <a href="/account">your account</a>.</p>`,
  });
}
