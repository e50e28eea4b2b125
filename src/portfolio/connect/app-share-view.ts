import type { Grant, AuthorizationServer } from '../../oauth/index.ts';
import { formatTime } from '../../ui/format-time.ts';
import { html, type Html } from '../../ui/html.ts';
import { logoImage } from '../../ui/logo-image.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { Connection } from '../connections/connection.ts';
import type { Portfolio } from '../portfolio.ts';
import { PORTFOLIO_SCOPES } from '../product.ts';
import { ACCESS_LOG_DAYS } from '../sharing/access-log.ts';
import type { AccessCursor, AccessEntry } from '../sharing/access-log-repository.ts';
import { connectionCheckboxes } from './choose-page.ts';
import type { Holdings } from './holdings.ts';

export const APPS_BASE = '/account/portfolio/apps';
/** Entries of an app's access log per page. */
export const LOG_PAGE = 50;

/** One app's share of the person's accounts and what it read, as /account shows it. */
export interface AppShare {
  grantId: string;
  client: { id: string; name: string };
  connections: Connection[];
  /** The chosen ids; undefined when the app was let in before choices and sees everything. */
  chosen?: string[];
  entries: AccessEntry[];
  /** Entries kept (the last 90 days). */
  total: number;
  /** Where the next (older) page starts, when there is one. */
  older?: AccessCursor;
}

/** The person's apps that can read their portfolio (a grant with a Platform API scope). */
export async function portfolioGrants(oauth: AuthorizationServer, userId: string): Promise<Grant[]> {
  return (await oauth.activeGrants(userId)).filter((g) => g.scopes.some((s) => PORTFOLIO_SCOPES.includes(s)));
}

/** Loads one app's share and a page of its log (from `before`, newest first). */
export async function loadAppShare(
  oauth: AuthorizationServer,
  portfolio: Portfolio,
  grant: Grant,
  connections: Connection[],
  before?: AccessCursor,
): Promise<AppShare> {
  const [client, chosen, entries, total] = await Promise.all([
    oauth.clients.findById(grant.clientId),
    portfolio.sharing.chosen(grant.userId, grant.clientId),
    portfolio.accessLog.page(grant.userId, grant.clientId, LOG_PAGE + 1, before),
    portfolio.accessLog.count(grant.userId, grant.clientId),
  ]);
  const shown = entries.slice(0, LOG_PAGE);
  const last = shown[shown.length - 1];
  return {
    grantId: grant.id,
    client: { id: grant.clientId, name: client?.name ?? grant.clientId },
    connections,
    ...(chosen ? { chosen } : {}),
    entries: shown,
    total,
    ...(entries.length > LOG_PAGE && last ? { older: { at: last.at, id: last.id } } : {}),
  };
}

export interface AppBlockOptions {
  share: AppShare;
  catalog: Catalog;
  holdings: Holdings;
  csrfToken: string;
  timeZone: string | null;
  /** The saved confirmation. */
  saved?: boolean;
  /** The form's error (nothing ticked); the boxes then show what was sent: nothing. */
  error?: string;
  /** Heading level: h3 inside /account's section, h1 on the app's own page. */
  heading: 'h1' | 'h3';
  /** The log open (on the app's own page). */
  logOpen?: boolean;
}

/**
 * One app: which accounts it may see (a checkbox form: Save, or Share nothing), and what it read
 * (endpoint, when, how many things), newest first with a link to older entries.
 */
export function appBlock(options: AppBlockOptions): Html {
  const { share } = options;
  const app = share.client.name;
  const id = `app-${share.grantId}`;
  const everything = share.chosen === undefined;
  const checked = options.error
    ? new Set<string>()
    : new Set(everything ? share.connections.map((c) => c.id) : share.chosen);
  const title = html`${logoImage(share.client, 32)} <span>${app}</span>`;
  const heading =
    options.heading === 'h1'
      ? html`<h1 id="${id}" class="app">${title}</h1>`
      : html`<h3 id="${id}" class="app">${title}</h3>`;
  const form = share.connections.length
    ? html`<form method="post" action="${APPS_BASE}/${share.grantId}/share">
<input type="hidden" name="csrf" value="${options.csrfToken}">
${connectionCheckboxes(
  {
    connections: share.connections,
    checked,
    holdings: options.holdings,
    catalog: options.catalog,
    idPrefix: id,
    ...(options.error ? { error: options.error } : {}),
  },
  html`Accounts ${app} may see`,
)}
<div class="actions">
<button type="submit" name="share" value="selected">Save<span class="visually-hidden"> what ${app} may see</span></button>
<button type="submit" name="share" value="none" class="secondary">Share nothing<span class="visually-hidden"> with ${app}</span></button>
</div>
</form>`
    : html`<p class="hint">You have no linked accounts, so ${app} sees none.</p>`;
  return html`<div class="app-share">
${heading}
${options.saved ? html`<p class="notice" role="status">Saved. ${app} now sees ${seenWords(share, checked)}.</p>` : ''}
${options.error ? html`<p class="error" role="alert">Nothing was saved: check the list of accounts below.</p>` : ''}
${
  everything
    ? html`<p class="hint">${app} was connected before you could choose: it sees all your linked accounts, including any you link later. Saving limits it to the ones you tick.</p>`
    : html`<p class="hint">Accounts you link later are not shared with ${app} unless you tick them here or link them through ${app}.</p>`
}
${form}
<details${options.logOpen ? html` open` : ''}><summary>What ${app} read <span class="hint">(${share.total} ${share.total === 1 ? 'request' : 'requests'} in the last ${ACCESS_LOG_DAYS} days)</span></summary>
${accessList(share, options.timeZone)}
</details>
</div>`;
}

function seenWords(share: AppShare, checked: ReadonlySet<string>): string {
  const names = share.connections.filter((c) => checked.has(c.id)).map((c) => c.displayLabel);
  return names.length ? names.join(', ') : 'none of your accounts';
}

function accessList(share: AppShare, timeZone: string | null): Html {
  if (share.entries.length === 0) return html`<p class="hint">Nothing yet.</p>`;
  const rows = share.entries.map((e) => {
    const what = describeEndpoint(e.endpoint);
    return html`<li><div><strong>${what.words}</strong> <span class="hint">${e.items} ${e.items === 1 ? what.one : what.many} · <code>${e.endpoint}</code></span></div><div class="hint">${formatTime(e.at, timeZone)}</div></li>`;
  });
  const older = share.older
    ? html`<p><a href="${APPS_BASE}/${share.grantId}?before=${share.older.at}.${share.older.id}#log-${share.grantId}">Older requests</a></p>`
    : '';
  return html`<ul class="rows" id="log-${share.grantId}">${rows}</ul>${older}`;
}

/** A Platform API route in words: "Balances" and what its count counts. */
export function describeEndpoint(endpoint: string): { words: string; one: string; many: string } {
  const [method, path = ''] = endpoint.split(' ');
  const route = path.replace(/^\/platform\/v\d+/, '');
  if (route === '/assets') return { words: 'Read balances', one: 'asset', many: 'assets' };
  if (route === '/transactions') return { words: 'Read transactions', one: 'transaction', many: 'transactions' };
  if (route.endsWith('/refresh') && method === 'POST')
    return { words: 'Asked for a refresh', one: 'account', many: 'accounts' };
  if (route.startsWith('/refresh/')) return { words: 'Checked a refresh', one: 'account', many: 'accounts' };
  if (route.startsWith('/oauth/callback'))
    return { words: 'Finished linking an exchange', one: 'account', many: 'accounts' };
  if (method === 'POST') return { words: 'Linked accounts for you', one: 'account', many: 'accounts' };
  if (method === 'DELETE') return { words: 'Unlinked accounts', one: 'account', many: 'accounts' };
  return { words: 'Listed your linked accounts', one: 'account', many: 'accounts' };
}
