import type { AccountSection } from '../../accounts/index.ts';
import { html } from '../../ui/html.ts';
import type { Portfolio } from '../portfolio.ts';
import { holdingsOf } from './holdings.ts';
import { csvForm, linkedList, walletForm } from './link-forms.ts';

export const ACCOUNT_BASE = '/account/portfolio';

/** The /account block: linked providers with Remove, and the same add forms as the widget. */
export function linkedProvidersBlock(portfolio: () => Portfolio): AccountSection {
  return async ({ user, csrfToken }) => {
    const { catalog, connections } = portfolio();
    const [linked, holdings] = await Promise.all([connections.list(user.id), holdingsOf(portfolio(), user.id)]);
    return html`<section aria-labelledby="providers-heading">
<h2 id="providers-heading">Linked providers</h2>
${linkedList(linked, catalog, ACCOUNT_BASE, csrfToken, holdings)}
<details><summary>Add a wallet</summary>${walletForm(catalog, ACCOUNT_BASE, csrfToken)}</details>
<details><summary>Import a CSV</summary>${csvForm(catalog, ACCOUNT_BASE, csrfToken)}</details>
</section>`;
  };
}
