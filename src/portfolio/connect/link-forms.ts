import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import { html, type Html } from '../../ui/html.ts';
import type { Holdings } from './holdings.ts';
import { ALL_EVM_NETWORKS } from '../sources/evm/discover-networks.ts';

const STATUS_WORDS: Record<string, string> = {
  pending: 'waiting',
  syncing: 'syncing…',
  connected: 'connected',
  needs_reauth: 'needs you to link it again',
  error: 'could not be read',
};

/**
 * The person's linked providers, each with what it holds (once read) and a Remove button posting
 * to `${base}/connections/:id/remove`.
 */
export function linkedList(
  connections: Connection[],
  catalog: Catalog,
  base: string,
  csrfToken: string,
  holdings: Holdings = new Map(),
): Html {
  if (connections.length === 0) return html`<p class="hint">Nothing linked yet.</p>`;
  return html`<ul class="grants">${connections.map((c) => {
    const held = holdings.get(c.id);
    return html`<li class="grant"><strong>${c.displayLabel}</strong> <span class="hint">${catalog.find(c.providerId)?.name ?? c.providerId} · ${STATUS_WORDS[c.status] ?? c.status}</span>
${held?.length ? html`<p class="holdings">${held.join(' · ')}</p>` : ''}<form method="post" action="${base}/connections/${c.id}/remove"><input type="hidden" name="csrf" value="${csrfToken}"><button type="submit" class="secondary">Remove ${c.displayLabel}</button></form></li>`;
  })}</ul>`;
}

/** Add a wallet: a chain from the catalogue and an address (an ENS name on EVM networks, a Bitcoin xpub/zpub). */
export function walletForm(catalog: Catalog, base: string, csrfToken: string): Html {
  // "All EVM networks" first: the one choice that needs no knowledge of where the coins are.
  const chains = catalog
    .all()
    .filter((p) => p.authTypes.includes('wallet'))
    .sort((a, b) => Number(b.providerId === ALL_EVM_NETWORKS) - Number(a.providerId === ALL_EVM_NETWORKS));
  return html`<form method="post" action="${base}/wallet">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="wallet-address">Wallet address or ENS name</label>
<input id="wallet-address" name="address" type="text" autocomplete="off" spellcheck="false" placeholder="0x…, name.eth, bc1… or zpub…" required>
<label for="wallet-provider">Network</label>
<select id="wallet-provider" name="provider_id">${chains.map((p) => html`<option value="${p.providerId}">${p.name}</option>`)}</select>
<label for="wallet-label">Name (optional)</label>
<input id="wallet-label" name="display_label" type="text" maxlength="200">
<button type="submit">Add wallet</button>
</form>`;
}

/** Upload a CSV export (or paste it): the universal template or an exchange's own format. */
export function csvForm(catalog: Catalog, base: string, csrfToken: string): Html {
  const formats = catalog.find('csv')?.csvFormats ?? [];
  return html`<form method="post" action="${base}/csv" enctype="multipart/form-data">
<input type="hidden" name="csrf" value="${csrfToken}">
<label for="csv-file">CSV file</label>
<input id="csv-file" name="file" type="file" accept=".csv,text/csv">
<label for="csv-format">Format</label>
<select id="csv-format" name="format">${formats.map((f) => html`<option value="${f}">${f === 'universal' ? 'Universal template' : `${f[0]!.toUpperCase()}${f.slice(1)} export`}</option>`)}</select>
<label for="csv-content">…or paste it</label>
<textarea id="csv-content" name="content" rows="4" placeholder="Date,Received Quantity,Received Currency,Sent Quantity,Sent Currency,Fee Amount,Fee Currency,Tag"></textarea>
<button type="submit">Import CSV</button>
</form>`;
}

export function problems(messages: string[]): Html {
  return messages.length
    ? html`<div class="error" role="alert"><p>That did not work:</p><ul>${messages.map((m) => html`<li>${m}</li>`)}</ul></div>`
    : html``;
}
