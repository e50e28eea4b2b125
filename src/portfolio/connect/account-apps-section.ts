import type { AccountSection } from '../../accounts/index.ts';
import type { AuthorizationServer } from '../../oauth/index.ts';
import { html } from '../../ui/html.ts';
import type { Portfolio } from '../portfolio.ts';
import { appBlock, loadAppShare, portfolioGrants } from './app-share-view.ts';
import { holdingsOf } from './holdings.ts';

/**
 * The /account block "What your apps can see": per app that can read the portfolio, the accounts
 * it may see (edited in place) and its access log. Nothing when no such app is connected.
 */
export function appSharingBlock(portfolio: () => Portfolio, oauth: AuthorizationServer): AccountSection {
  return async ({ user, csrfToken, request }) => {
    const grants = await portfolioGrants(oauth, user.id);
    if (grants.length === 0) return html``;
    const [connections, holdings] = await Promise.all([
      portfolio().connections.list(user.id),
      holdingsOf(portfolio(), user.id),
    ]);
    const saved = (request.query as Record<string, unknown> | undefined)?.shared;
    const blocks = await Promise.all(
      grants.map(async (grant) =>
        appBlock({
          share: await loadAppShare(oauth, portfolio(), grant, connections),
          catalog: portfolio().catalog,
          holdings,
          csrfToken,
          timeZone: user.timeZone,
          saved: saved === grant.id,
          heading: 'h3',
        }),
      ),
    );
    return html`<section aria-labelledby="sharing-heading">
<h2 id="sharing-heading">What your apps can see</h2>
<p class="hint">Each app sees only the linked accounts you share with it, and you can see what it read.</p>
${blocks}
</section>`;
  };
}
