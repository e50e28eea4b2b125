import type { FastifyInstance } from 'fastify';
import type { Accounts } from '../accounts/index.ts';
import type { AppContext } from '../context.ts';
import type { Csrf } from '../ui/csrf.ts';
import { registerSchedulingApi } from './api/register-api.ts';
import { registerSchedulingJobs, requeuePendingDeliveries } from './jobs.ts';
import { registerMcp } from './mcp/register-mcp.ts';
import { registerSchedulingPages } from './pages/register-pages.ts';
import { schedulingServices } from './scheduling-services.ts';

export interface SchedulingRouteDeps {
  ctx: AppContext;
  accounts: Accounts;
  csrf: Csrf;
}

/**
 * The scheduling product: API v2 at /api/v2, the MCP server at /api/mcp, the hosts' pages at
 * /scheduling, public booking pages at /{host}/{event}, and its durable jobs.
 */
export async function schedulingRoutes(app: FastifyInstance, deps: SchedulingRouteDeps): Promise<void> {
  if (!deps.ctx.registry.resource(`${deps.ctx.config.ISSUER}/api/v2`)) return; // not in PRODUCTS
  const s = schedulingServices(deps.ctx, deps.accounts, app.log);
  registerSchedulingJobs(s);
  app.addHook('onReady', async () => requeuePendingDeliveries(s));
  app.addHook('onClose', async () => s.mailer.close());
  await registerSchedulingApi(app, s);
  await registerMcp(app, s);
  await registerSchedulingPages(app, { s, accounts: deps.accounts, csrf: deps.csrf });
}
