import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { Config } from './config.ts';
import { createContext, enabledProducts, type AppContext, type ContextOptions } from './context.ts';
import { accountsRoutes, createAccounts, type Accounts } from './accounts/index.ts';
import { connectedAppsSection, oauthRoutes } from './oauth/index.ts';
import { linkedProvidersSection, portfolioRoutes } from './portfolio/index.ts';
import { protectedResourceMetadataRoutes } from './oauth/resource-guard/index.ts';
import { whoamiRoutes } from './oauth/resource-guard/whoami/whoami.ts';
import { schedulingRoutes, schedulingWebhooksSection } from './scheduling/index.ts';
import { healthRoutes } from './kernel/http/health.ts';
import { metricsRoutes } from './kernel/http/metrics.ts';
import { registerOpenApi } from './kernel/http/openapi.ts';
import { registerRateLimit } from './kernel/http/rate-limit.ts';
import { securityHeaders } from './kernel/http/security-headers.ts';
import { staticAssets } from './kernel/http/static-assets.ts';
import { startJanitor } from './kernel/jobs/janitor.ts';
import { Csrf } from './ui/csrf.ts';
import { profileSection, sessionsSection } from './console/account/index.ts';
import { webRoutes } from './console/routes.ts';

export interface BuiltApp {
  app: FastifyInstance;
  ctx: AppContext;
  accounts: Accounts;
}

export interface BuildOptions extends ContextOptions {
  logger?: FastifyServerOptions['logger'];
}

/** Builds the whole platform, in one visible order; `server.ts` listens and shuts down. */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const app = Fastify({
    logger: options.logger ?? { level: config.LOG_LEVEL, redact: ['req.headers.authorization', 'req.headers.cookie'] },
    trustProxy: config.TRUST_PROXY,
    // Per-request lines only when debugging: at load they cost more than the requests themselves.
    logController: new LogController({ requestIdLogLabel: 'request_id', disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace' }),
    routerOptions: { maxParamLength: 200 },
  });
  const ctx = await createContext(config, { ...options, log: app.log });
  const csrf = new Csrf(ctx.secretKey, config.ISSUER.startsWith('https:'));
  const accounts = createAccounts({ db: ctx.database.db, config, clock: ctx.clock, log: app.log, csrf });

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onClose', async () => {
    await accounts.close();
    await ctx.close();
  });

  await app.register(cookie);
  await app.register(formbody);
  await securityHeaders(app, { hsts: config.ISSUER.startsWith('https:') });
  await registerRateLimit(app, config);
  await registerOpenApi(app, config);
  await metricsRoutes(app);
  await healthRoutes(app, ctx);
  await staticAssets(app);

  // A deployment serves only the products PRODUCTS names (their scopes are registered likewise).
  const serves = new Set(enabledProducts(config));
  const portfolio = serves.has('portfolio');
  const scheduling = serves.has('scheduling');
  const accountSections = [profileSection(), connectedAppsSection(ctx), ...(portfolio ? [linkedProvidersSection(ctx)] : []), sessionsSection(accounts)];
  const developerSections = scheduling ? [schedulingWebhooksSection(ctx, accounts, app.log)] : [];

  await app.register(async (scope) => accountsRoutes(scope, { db: ctx.database.db, config, clock: ctx.clock, log: app.log, csrf, accounts, accountSections }));
  await app.register(async (scope) => oauthRoutes(scope, { ctx, accounts, csrf }));
  if (portfolio) await app.register(async (scope) => portfolioRoutes(scope, { ctx, accounts, csrf }));
  await app.register(async (scope) => webRoutes(scope, { ctx, accounts, csrf, root: app, developerSections }));
  await app.register(async (scope) => protectedResourceMetadataRoutes(scope, ctx));
  await app.register(async (scope) => whoamiRoutes(scope, ctx));
  // Last: its public booking pages answer /{host}/{event}.
  if (scheduling) await app.register(async (scope) => schedulingRoutes(scope, { ctx, accounts, csrf }));

  // Products register their job handlers while their plugins load; work starts once all are in.
  app.addHook('onReady', async () => ctx.jobs.start());
  app.addHook('preClose', async () => ctx.jobs.stop());
  const stopJanitor = startJanitor(ctx.database.db, ctx.clock, app.log, config.JANITOR_INTERVAL_SECONDS, config.JANITOR_BATCH_SIZE);
  app.addHook('onClose', async () => stopJanitor());
  return { app, ctx, accounts };
}
