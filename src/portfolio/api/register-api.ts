import type { FastifyInstance } from 'fastify';
import type { Kernel } from '../../kernel/kernel.ts';
import type { ResourceGuard } from '../../oauth/index.ts';
import type { Portfolio } from '../portfolio.ts';
import { apiDeps, notedItems, type ApiVersion, type PersonLookup } from './api-deps.ts';
import { usePlatformErrors } from './error-handler.ts';
import { assetsRoute } from './routes/assets.ts';
import { catalogRoute } from './routes/catalog.ts';
import { platformOpenApiRoute } from './openapi-document.ts';
import { oauthCallbackRoute } from './routes/oauth-callback.ts';
import { providersRoutes } from './routes/providers.ts';
import { refreshRoutes } from './routes/refresh.ts';
import { transactionsRoute } from './routes/transactions.ts';

/** The Platform API, v1 and v2 from one implementation, each in its own scope with the envelope renderer. */
export async function platformApi(
  app: FastifyInstance,
  kernel: Kernel,
  oauth: ResourceGuard,
  portfolio: Portfolio,
  personExists: PersonLookup,
): Promise<void> {
  const deps = apiDeps(kernel, oauth, portfolio, personExists);
  for (const version of ['v1', 'v2'] as ApiVersion[]) {
    await app.register(
      async (scope) => {
        usePlatformErrors(scope);
        // The person's log of what each app read: one entry per answered request that noted its items.
        scope.addHook('onResponse', async (request, reply) => {
          const items = notedItems(request);
          const claims = request.accessToken;
          if (items === undefined || !claims || reply.statusCode >= 400) return;
          portfolio.accessLog.record({
            userId: claims.sub,
            clientId: claims.client_id,
            endpoint: `${request.method} ${request.routeOptions.url ?? request.url}`,
            items,
          });
        });
        await providersRoutes(scope, deps, version);
        if (version === 'v2') await catalogRoute(scope, deps);
        await oauthCallbackRoute(scope, deps, version);
        await assetsRoute(scope, deps, version);
        await transactionsRoute(scope, deps, version);
        await refreshRoutes(scope, deps, version);
        await platformOpenApiRoute(scope, kernel.config.ISSUER, version);
      },
      { prefix: `/platform/${version}` },
    );
  }
}
