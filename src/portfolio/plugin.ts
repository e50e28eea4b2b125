/**
 * The portfolio product's code, loaded only on a node that serves it (see index.ts): the Platform
 * API (v1 and v2), the Connect widget's "link your accounts" step, the /account block and the
 * sync engine's job handler.
 */
import type { PlatformDeps, ProductAttachment } from '../platform.ts';
import { platformApi } from './api/register-api.ts';
import { accountPortfolioRoutes } from './connect/account-routes.ts';
import { linkedProvidersBlock } from './connect/account-section.ts';
import { connectRoutes } from './connect/connect-routes.ts';
import { portfolioOf } from './portfolio.ts';

export function attach({ kernel, accounts, oauth, csrf }: PlatformDeps): ProductAttachment {
  const portfolio = portfolioOf(kernel, kernel.log);
  return {
    accountSections: [linkedProvidersBlock(() => portfolio)],
    routes: async (app) => {
      await platformApi(app, kernel, oauth, portfolio, async (userId) => (await accounts.users.findById(userId)) !== undefined);
      const pageDeps = { oauth, accounts, csrf, portfolio };
      await app.register(async (scope) => connectRoutes(scope, pageDeps));
      await app.register(async (scope) => accountPortfolioRoutes(scope, pageDeps));
    },
  };
}
