/**
 * The portfolio product's code, loaded only on a node that serves it (see index.ts): the Platform
 * API (v1 and v2), the Connect widget's "link your accounts" step, the /account block and the
 * sync engine's job handler.
 */
import type { PlatformDeps, ProductAttachment } from '../platform.ts';
import { platformApi } from './api/register-api.ts';
import { accountPortfolioRoutes } from './connect/account-routes.ts';
import { appSharingBlock } from './connect/account-apps-section.ts';
import { linkedProvidersBlock } from './connect/account-section.ts';
import { accountSharingRoutes } from './connect/account-sharing-routes.ts';
import { chooseRoutes } from './connect/choose-routes.ts';
import { connectRoutes } from './connect/connect-routes.ts';
import { logoRoutes } from './catalog/logos.ts';
import { portfolioOf } from './portfolio.ts';
import { purgeAccessLog } from './sharing/access-log.ts';

export function attach({ kernel, accounts, oauth, csrf }: PlatformDeps): ProductAttachment {
  const portfolio = portfolioOf(kernel, kernel.log);
  // A deleted app's log goes with it (its choices go by foreign key).
  oauth.onClientDeleted((clientId) => portfolio.accessLog.forgetClient(clientId));
  return {
    accountSections: [linkedProvidersBlock(() => portfolio), appSharingBlock(() => portfolio, oauth)],
    purgers: [purgeAccessLog],
    apiDocs: [
      {
        title: 'Platform API v1',
        path: '/platform/v1',
        document: '/platform/v1/openapi.json',
        description: 'Calico-compatible, with Calico’s v1 schema names: providers, assets, transactions.',
      },
      {
        title: 'Platform API v2',
        path: '/platform/v2',
        document: '/platform/v2/openapi.json',
        description:
          'Providers (several at once), the provider catalogue, assets, transactions with cursor paging, refresh status.',
      },
    ],
    routes: async (app) => {
      await platformApi(
        app,
        kernel,
        oauth,
        portfolio,
        async (userId) => (await accounts.users.findById(userId)) !== undefined,
      );
      const pageDeps = { oauth, accounts, csrf, portfolio };
      await app.register(async (scope) => connectRoutes(scope, pageDeps));
      await app.register(async (scope) => chooseRoutes(scope, pageDeps));
      await app.register(async (scope) => accountPortfolioRoutes(scope, pageDeps));
      await app.register(async (scope) => accountSharingRoutes(scope, pageDeps));
      await app.register(async (scope) => logoRoutes(scope, portfolio.catalog));
    },
  };
}
