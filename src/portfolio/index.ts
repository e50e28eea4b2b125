/**
 * The portfolio product: the Platform API (v1 and v2), the Connect widget's "link your
 * accounts" step, the /account block and the sync engine. Other features use only this file.
 */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { AccountSection, Accounts } from '../accounts/index.ts';
import type { AppContext } from '../context.ts';
import type { Csrf } from '../web/csrf.ts';
import { html } from '../web/html.ts';
import { platformApi } from './api/register-api.ts';
import { accountPortfolioRoutes } from './connect/account-routes.ts';
import { linkedProvidersBlock } from './connect/account-section.ts';
import { connectRoutes } from './connect/connect-routes.ts';
import { portfolioOf } from './portfolio.ts';

export { portfolioProduct } from './product.ts';

/** Registers the Platform API, the Connect step pages, the /account forms and the sync job handler. */
export async function portfolioRoutes(app: FastifyInstance, deps: { ctx: AppContext; accounts: Accounts; csrf: Csrf }): Promise<void> {
  if (!deps.ctx.registry.resource(`${deps.ctx.config.ISSUER}/platform`)) return; // PRODUCTS leaves the portfolio out
  const portfolio = portfolioOf(deps.ctx, app.log);
  await platformApi(app, deps.ctx, portfolio, async (userId) => (await deps.accounts.users.findById(userId)) !== undefined);
  const pageDeps = { ...deps, portfolio };
  await app.register(async (scope) => connectRoutes(scope, pageDeps));
  await app.register(async (scope) => accountPortfolioRoutes(scope, pageDeps));
}

/** The "Linked providers" block of /account. */
export function linkedProvidersSection(ctx: AppContext): AccountSection {
  const section = linkedProvidersBlock(() => portfolioOf(ctx, pino({ level: 'warn' })));
  return (context) => (ctx.registry.resource(`${ctx.config.ISSUER}/platform`) ? section(context) : html``);
}
