import { errorSummary, fieldAttributes, fieldError, type FieldErrors } from '../../../ui/field-errors.ts';
import { html, type Html } from '../../../ui/html.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import type { ProviderDefinition } from '../../catalog/provider-definition.ts';
import { ALL_EVM_NETWORKS } from '../../sources/evm/discover-networks.ts';
import type { FormFields } from '../form-input.ts';
import { ANY_WALLET } from '../picker-entries.ts';
import { DETECT_NETWORK } from '../wallet-network.ts';
import { withArticle } from './sentence.ts';
import { widgetPage, type WidgetFrame } from './widget-shell.ts';

/** The provider page's form: what was typed (kept when it comes back) and its problems by field id. */
export interface ProviderForm {
  values: FormFields;
  errors: FieldErrors;
}

const EMPTY: ProviderForm = { values: {}, errors: {} };

/** Which form a provider page shows. */
export type ProviderPageKind = 'exchange' | 'wallet' | 'csv';

export function providerPageKind(
  entryId: string,
  provider: ProviderDefinition | undefined,
): ProviderPageKind | undefined {
  if (entryId === ANY_WALLET && !provider) return 'wallet';
  if (!provider) return undefined;
  if (provider.apiKey || provider.authTypes.includes('oauth2')) return 'exchange';
  if (provider.authTypes.includes('wallet')) return 'wallet';
  if (provider.authTypes.includes('csv')) return 'csv';
  return undefined;
}

/**
 * The "Link" step: one provider's form, alone on its page. An exchange: "Continue with …" where
 * it links by its own sign-in, and the exchange's steps for a read-only key; a wallet network:
 * the address, whose network the page names as it is typed; the CSV import: a file or its text.
 */
export function providerPage(
  frame: WidgetFrame,
  catalog: Catalog,
  entryId: string,
  kind: ProviderPageKind,
  form: ProviderForm = EMPTY,
): string {
  const base = `/connect/link/${frame.interactionId}`;
  const provider = catalog.find(entryId);
  const title =
    kind === 'csv' ? 'Import a CSV file' : kind === 'exchange' ? `Link ${provider!.name}` : walletTitle(provider);
  const logo = provider?.logoUrl ?? '/connect/assets/wallet.svg';
  const body = html`<p class="crumbs"><a href="${base}">All exchanges and wallets</a></p>
<div class="provider-title"><img src="${logo}" alt="" width="48" height="48"><h1>${title}</h1></div>
${errorSummary(form.errors, 'That didn’t work. The field below says why.')}
${
  kind === 'exchange'
    ? exchangeForm(base, frame.csrfToken, provider!, form)
    : kind === 'wallet'
      ? walletForm(base, frame.csrfToken, catalog, entryId, provider, form)
      : csvForm(base, frame.csrfToken, provider!, form)
}`;
  return widgetPage(frame, { step: 'link', title, body, script: 'provider' });
}

function walletTitle(provider: ProviderDefinition | undefined): string {
  if (!provider) return 'Link a wallet';
  if (provider.providerId === ALL_EVM_NETWORKS) return 'Link a wallet on every EVM network';
  return `Link ${withArticle(provider.name)} wallet`;
}

function exchangeForm(base: string, csrf: string, p: ProviderDefinition, { values, errors }: ProviderForm): Html {
  const oauth = p.authTypes.includes('oauth2');
  const value = (name: string) => values[name] ?? '';
  return html`${
    oauth
      ? html`<form method="post" action="${base}/oauth/${p.providerId}" class="oauth-form"><input type="hidden" name="csrf" value="${csrf}"><button type="submit" class="wide">Continue with ${p.name}</button></form>
<p class="hint">You sign in at ${p.name} and allow read-only access there. We never see your ${p.name} password.</p>`
      : html`<p class="lede">Link ${p.name} with a read-only API key: we can read balances and history, never trade or withdraw.</p>`
  }${
    p.apiKey
      ? html`${oauth ? html`<p class="or">or use a read-only API key</p>` : ''}
<h2 class="howto-title">Create a read-only key at ${p.name}</h2>
<ol class="howto">${p.apiKey.help.map((step) => html`<li>${step}</li>`)}</ol>
<form method="post" action="${base}/exchange" class="link-form" novalidate>
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="provider_id" value="${p.providerId}">
<label for="api-key">API key</label>${fieldError(errors, 'api-key')}
<input id="api-key" name="api_key" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" value="${value('api_key')}"${fieldAttributes(errors, 'api-key')}>
<label for="secret-key">Secret key</label>${fieldError(errors, 'secret-key')}
<textarea id="secret-key" name="secret_key" rows="3" autocomplete="off" autocapitalize="off" spellcheck="false"${fieldAttributes(errors, 'secret-key')}>${value('secret_key')}</textarea>
${
  p.apiKey.passphrase
    ? html`<label for="passphrase">Passphrase</label>${fieldError(errors, 'passphrase')}<input id="passphrase" name="passphrase" type="password" autocomplete="off" value="${value('passphrase')}"${fieldAttributes(errors, 'passphrase')}>`
    : ''
}
<label for="key-label">Name <span class="optional">(optional)</span></label>
<p class="hint" id="key-label-hint">Shown in your account, e.g. “${p.name} main”.</p>
<input id="key-label" name="display_label" type="text" maxlength="200" value="${value('display_label')}" aria-describedby="key-label-hint">
<button type="submit">Link ${p.name}</button>
</form>
<p class="hint">We check the key with ${p.name} before saving it and refuse keys that can trade or withdraw. Keys are stored encrypted.</p>`
      : ''
  }`;
}

function walletForm(
  base: string,
  csrf: string,
  catalog: Catalog,
  entryId: string,
  provider: ProviderDefinition | undefined,
  { values, errors }: ProviderForm,
): Html {
  // "All EVM networks" first: the one choice that needs no knowledge of where the coins are.
  const networks = catalog
    .all()
    .filter((p) => p.authTypes.includes('wallet'))
    .sort((a, b) => Number(b.providerId === ALL_EVM_NETWORKS) - Number(a.providerId === ALL_EVM_NETWORKS));
  const chosen = values.provider_id ?? provider?.providerId ?? DETECT_NETWORK;
  const noErrors = Object.keys(errors).length === 0;
  return html`<p class="lede">Paste the wallet’s public address. We only read what it holds and what it did; nothing can be moved.</p>
<form method="post" action="${base}/wallet" class="link-form" novalidate data-wallet-form>
<input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="entry" value="${entryId}">
<label for="wallet-address">Wallet address or ENS name</label>
<p class="hint" id="wallet-address-hint">For example 0x…, name.eth, bc1… or a Solana address. Never paste a private key or recovery phrase.</p>
${fieldError(errors, 'wallet-address')}
<input id="wallet-address" name="address" type="text" autocomplete="off" autocapitalize="off" spellcheck="false" value="${values.address ?? ''}"${fieldAttributes(errors, 'wallet-address', 'wallet-address-hint')}${noErrors ? html` autofocus` : ''}>
<p class="detected" id="wallet-detected" aria-live="polite"></p>
<label for="wallet-network">Network</label>
${fieldError(errors, 'wallet-network')}
<select id="wallet-network" name="provider_id"${fieldAttributes(errors, 'wallet-network')}>
<option value="${DETECT_NETWORK}"${chosen === DETECT_NETWORK ? html` selected` : ''}>Detect from the address</option>
${networks.map((p) => html`<option value="${p.providerId}" data-kind="${p.source.kind}"${p.providerId === chosen ? html` selected` : ''}>${p.name}</option>`)}
</select>
<label for="wallet-label">Name <span class="optional">(optional)</span></label>
<input id="wallet-label" name="display_label" type="text" maxlength="200" value="${values.display_label ?? ''}">
<button type="submit">Link wallet</button>
</form>`;
}

function csvForm(base: string, csrf: string, p: ProviderDefinition, { values, errors }: ProviderForm): Html {
  const formats = p.csvFormats ?? [];
  const pasted = Boolean(values.content?.trim()) || errors['csv-content'] !== undefined;
  return html`<p class="lede">Use a file exported from an exchange, or our universal template for anything else.</p>
<form method="post" action="${base}/csv" enctype="multipart/form-data" class="link-form" novalidate>
<input type="hidden" name="csrf" value="${csrf}">
<label for="csv-format">Format</label>
<select id="csv-format" name="format">${formats.map((f) => html`<option value="${f}"${values.format === f ? html` selected` : ''}>${formatName(f)}</option>`)}</select>
<label for="csv-file">CSV file</label>${fieldError(errors, 'csv-file')}
${errors['csv-file'] ? html`<p class="hint" id="csv-file-hint">Browsers ask you to choose the file again after a problem.</p>` : ''}
<input id="csv-file" name="file" type="file" accept=".csv,text/csv"${fieldAttributes(errors, 'csv-file', errors['csv-file'] ? 'csv-file-hint' : undefined)}>
<details class="paste"${pasted ? html` open` : ''}><summary>Or paste the CSV text</summary>
<label for="csv-content">CSV text</label>${fieldError(errors, 'csv-content')}
<textarea id="csv-content" name="content" rows="6" spellcheck="false"${fieldAttributes(errors, 'csv-content')}>${values.content ?? ''}</textarea>
</details>
<label for="csv-label">Name <span class="optional">(optional)</span></label>
<input id="csv-label" name="display_label" type="text" maxlength="200" value="${values.display_label ?? ''}">
<button type="submit">Import file</button>
</form>
<details class="template"><summary>The universal template’s columns</summary>
<p>The first line names the columns; then one line per transaction:</p>
<pre>Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag</pre>
</details>`;
}

function formatName(format: string): string {
  return format === 'universal' ? 'Universal template' : `${format[0]!.toUpperCase()}${format.slice(1)} export`;
}
