import type { AccountSection } from '../../accounts/index.ts';
import { html } from '../../ui/html.ts';
import type { Portfolio } from '../portfolio.ts';
import { accountProvidersList } from './account-providers.ts';
import { holdingsOf } from './holdings.ts';
import { csvForm, walletForm } from './link-forms.ts';

export const ACCOUNT_BASE = '/account/portfolio';

/** The query /account is sent back with after a provider's form (post, redirect, get). */
export interface ProvidersNotice {
  portfolio?: 'refreshed' | 'refresh_wait' | 'removed';
  connection?: string;
  /** Seconds until a refresh is allowed again (refresh_wait). */
  in?: string;
}

/** The /account block: linked providers with balance, last read, Refresh and Remove, and the add forms. */
export function linkedProvidersBlock(portfolio: () => Portfolio): AccountSection {
  return async ({ user, csrfToken, request }) => {
    const { catalog, connections } = portfolio();
    const [linked, holdings] = await Promise.all([connections.list(user.id), holdingsOf(portfolio(), user.id)]);
    const query = (request.query ?? {}) as ProvidersNotice;
    const named = linked.find((c) => c.id === query.connection)?.displayLabel ?? 'That account';
    const notice =
      query.portfolio === 'refreshed'
        ? `${named} is being read again now.`
        : query.portfolio === 'refresh_wait'
          ? `${named} was read moments ago. You can refresh it again ${waitWords(Number(query.in))}.`
          : query.portfolio === 'removed'
            ? 'The account was removed, with its balances and history; no app sees it any more.'
            : undefined;
    return html`<section aria-labelledby="providers-heading">
<h2 id="providers-heading">Linked providers</h2>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${accountProvidersList({ connections: linked, catalog, holdings, csrfToken, timeZone: user.timeZone, base: ACCOUNT_BASE })}
<details><summary>Add a wallet</summary>${walletForm(catalog, ACCOUNT_BASE, csrfToken)}</details>
<details><summary>Import a CSV</summary>${csvForm(catalog, ACCOUNT_BASE, csrfToken)}</details>
</section>`;
  };
}

/** "in 40 seconds", "in about 3 minutes". */
function waitWords(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 1) return 'in a moment';
  if (seconds < 90) return `in ${Math.ceil(seconds)} seconds`;
  return `in about ${Math.ceil(seconds / 60)} minutes`;
}
