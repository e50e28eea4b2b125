import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import { html } from '../../ui/html.ts';
import { page } from '../../ui/layout.ts';
import type { Holdings } from './holdings.ts';
import { csvForm, exchangeForms, linkedList, problems, walletForm } from './link-forms.ts';

export interface LinkPageView {
  interactionId: string;
  appName: string;
  signedInAs: string;
  connections: Connection[];
  /** What each connection holds, once read. */
  holdings: Holdings;
  catalog: Catalog;
  csrfToken: string;
  errors?: string[];
  notice?: string;
  /** The exchange whose form the errors are about. */
  openExchange?: string;
}

/** The Connect widget's "link your accounts" step, between sign-in and consent. */
export function linkPage(view: LinkPageView): string {
  const base = `/connect/link/${view.interactionId}`;
  return page({
    title: 'Link your accounts',
    signedInAs: view.signedInAs,
    body: html`<h1>Link your accounts</h1>
<p><strong>${view.appName}</strong> would like to see your crypto. Link your exchanges and wallets, then choose which of them it may see.</p>
${problems(view.errors ?? [])}${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : ''}
<h2>Linked</h2>
${linkedList(view.connections, view.catalog, base, view.csrfToken, view.holdings)}
<h2>Add an exchange</h2>
${exchangeForms(view.catalog, base, view.csrfToken, view.openExchange)}
<h2>Add a wallet</h2>
${walletForm(view.catalog, base, view.csrfToken)}
<h2>Import a CSV</h2>
${csvForm(view.catalog, base, view.csrfToken)}
<form method="get" action="${base}/choose">
<button type="submit">Continue</button>
</form>`,
  });
}

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
