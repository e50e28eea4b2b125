import { createHash } from 'node:crypto';
import { formatTime } from '../../../ui/format-time.ts';
import { html, type Html } from '../../../ui/html.ts';
import type { ConnectionProgress } from '../progress-snapshot.ts';
import { failureWords } from './failure-words.ts';

export interface CardContext {
  /** /connect/link/:id */
  base: string;
  csrfToken: string;
  timeZone: string | null;
}

const STATUS: Record<string, { words: string; tone: string }> = {
  pending: { words: 'Waiting for you', tone: 'wait' },
  syncing: { words: 'Reading…', tone: 'busy' },
  connected: { words: 'Up to date', tone: 'good' },
  needs_reauth: { words: 'Needs you', tone: 'bad' },
  error: { words: 'Couldn’t read', tone: 'bad' },
};

/**
 * One linked account on the progress page (and in its event stream, which sends this same HTML):
 * its status, transactions read, balances once known, the last sync, and when it failed the
 * reason in words with what to do.
 */
export function connectionCard(p: ConnectionProgress, ctx: CardContext): Html {
  return renderCard(p, ctx).html;
}

/** The card with its version (a digest of what it shows: the page's script replaces only cards whose version changed). */
export function renderCard(p: ConnectionProgress, ctx: CardContext): { id: string; version: string; html: Html } {
  const c = p.connection;
  const retrying = c.status === 'syncing' && c.lastError !== null;
  const status = retrying ? { words: 'Trying again…', tone: 'busy' } : (STATUS[c.status] ?? STATUS.error!);
  const failure = failureWords(c, p.providerName);
  const label = c.displayLabel;
  const name = accountName(label, p.providerName);
  const inner = html`<div class="conn-head">${p.logoUrl ? html`<img src="${p.logoUrl}" alt="" width="36" height="36">` : ''}<div class="conn-title"><h2 class="conn-name">${name}</h2><p class="conn-provider">${name === p.providerName ? KIND_WORDS[c.authType] : p.providerName}</p></div><span class="pill pill-${status.tone}">${status.words}</span></div>
<dl class="conn-facts">
<div><dt>Transactions read</dt><dd>${p.itemsRead.toLocaleString('en-US')}</dd></div>
<div><dt>Balances</dt><dd>${balances(p)}</dd></div>
<div><dt>Last synced</dt><dd>${c.lastRefreshedAt ? formatTime(c.lastRefreshedAt, ctx.timeZone) : 'Not yet'}</dd></div>
</dl>
${c.status === 'pending' ? html`<p class="conn-note">Finish signing in at ${p.providerName} to link this account, or remove it.</p>` : ''}
${
  failure
    ? html`<div class="conn-problem${retrying ? ' soft' : ''}"><p><strong>${retrying ? 'Last attempt: ' : ''}${failure.headline}</strong></p>${failure.detail ? html`<p class="hint">Details: ${failure.detail}</p>` : ''}</div>`
    : ''
}
<div class="conn-actions">${
    failure?.action === 'retry' && !retrying
      ? html`<form method="post" action="${ctx.base}/connections/${c.id}/retry"><input type="hidden" name="csrf" value="${ctx.csrfToken}"><button type="submit" class="small">Try again<span class="visually-hidden"> to read ${label}</span></button></form>`
      : ''
  }${
    failure?.action === 'relink' && c.status !== 'syncing'
      ? html`<a class="button small" href="${ctx.base}/provider/${c.providerId}">Link again<span class="visually-hidden"> ${label}</span></a>`
      : ''
  }<form method="post" action="${ctx.base}/connections/${c.id}/remove"><input type="hidden" name="csrf" value="${ctx.csrfToken}"><button type="submit" class="small secondary">Remove<span class="visually-hidden"> ${label}</span></button></form></div>`;
  const version = createHash('sha256').update(inner.value).digest('base64url').slice(0, 12);
  return {
    id: c.id,
    version,
    html: html`<li class="conn" id="conn-${c.id}" data-status="${c.status}" data-v="${version}">
${inner}
</li>`,
  };
}

/** The second line of a card named after its provider (an exchange): how it is linked. */
const KIND_WORDS: Record<string, string> = {
  api_key: 'Read-only API key',
  oauth2: 'Signed in at the exchange',
  csv: 'CSV import',
  wallet: 'Wallet',
};

/**
 * An account's name without its provider's in front ("Base 0xc13C…88A1" on Base → "0xc13C…88A1"),
 * since the card names the provider beside it; a name that is only the provider's stays.
 */
export function accountName(label: string, providerName: string): string {
  return label.startsWith(`${providerName} `) ? label.slice(providerName.length + 1) : label;
}

function balances(p: ConnectionProgress): string {
  if (p.holdings.length) return p.holdings.join(' · ');
  if (p.connection.status === 'syncing' || p.connection.status === 'pending') return 'Not known yet';
  return p.connection.status === 'connected' ? 'None' : 'Not known';
}
