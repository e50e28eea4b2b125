import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerFactory,
  type FastifyServerOptions,
} from 'fastify';
import cookie from '@fastify/cookie';
import type { Config } from './config.ts';
import {
  accountsRoutes,
  createAccounts,
  passkeysAccountSection,
  purgeAccounts,
  type Accounts,
} from './accounts/index.ts';
import { consoleRoutes, profileSection, sessionsSection } from './console/index.ts';
import { createKernel, type Kernel, type KernelOptions } from './kernel/kernel.ts';
import { useDefaultErrorHandler } from './ui/default-error-handler.ts';
import { registerFormBody } from './kernel/http/form-body.ts';
import { MalformedBody } from './kernel/http/malformed-body.ts';
import { addressHoldsNul, NUL_REFUSED } from './kernel/http/nul-characters.ts';
import { gracefulClose } from './kernel/http/graceful-close.ts';
import { lazySerializers } from './kernel/http/lazy-serializers.ts';
import { healthRoutes } from './kernel/http/health.ts';
import { createLogger } from './kernel/log/create-logger.ts';
import { lazyRequestLogger } from './kernel/log/lazy-request-logger.ts';
import { registerStrictJsonBody } from './kernel/http/json-body.ts';
import { batchResponseWrites } from './kernel/http/batched-writes.ts';
import { metricsRoutes } from './kernel/http/metrics.ts';
import { registerOpenApi } from './kernel/http/openapi.ts';
import { registerRateLimit } from './kernel/http/rate-limit.ts';
import { securityHeaders } from './kernel/http/security-headers.ts';
import { staticAssets } from './kernel/http/static-assets.ts';
import { purgeKernelData, startJanitor, type Purger } from './kernel/jobs/janitor.ts';
import { createAuthorizationServer, type AuthorizationServer } from './oauth/index.ts';
import type { PlatformDeps } from './platform.ts';
import { servedProducts } from './products.ts';
import { Csrf } from './ui/csrf.ts';
import { setProductNavigation } from './ui/layout.ts';

export interface BuiltApp {
  app: FastifyInstance;
  kernel: Kernel;
  oauth: AuthorizationServer;
  accounts: Accounts;
  /** What the janitor runs, contributed by the kernel and every feature. */
  purgers: Purger[];
}

export interface BuildOptions extends KernelOptions {
  logger?: FastifyServerOptions['logger'];
  /** Where log lines go instead of stdout (tests read them), with the usual level and redaction. */
  logStream?: { write(line: string): void };
  /** The process's logger, made before the app (`consentry start`); else one is made here. */
  loggerInstance?: FastifyBaseLogger;
  /** A server already listening for the app to take over (`consentry start`, see src/server.ts). */
  serverFactory?: FastifyServerFactory;
}

/**
 * The composition root: builds the kernel, accounts, the authorization server, the console and
 * the products PRODUCTS names, in one visible order. `server.ts` listens and shuts down.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<BuiltApp> {
  const app = Fastify({
    ...(options.logger === undefined
      ? { loggerInstance: options.loggerInstance ?? createLogger(config, options.logStream) }
      : { logger: options.logger }),
    ...(options.serverFactory ? { serverFactory: options.serverFactory } : {}),
    trustProxy: config.TRUST_PROXY,
    // Per-request lines only when debugging: at load they cost more than the requests themselves.
    logController: new LogController({
      requestIdLogLabel: 'request_id',
      disableRequestLogging: config.LOG_LEVEL !== 'debug' && config.LOG_LEVEL !== 'trace',
    }),
    childLoggerFactory: lazyRequestLogger,
    routerOptions: { maxParamLength: 200 },
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } },
  });
  const products = await servedProducts(config);
  const kernel = await createKernel(config, { ...options, log: app.log });
  // Closing drains requests and jobs together, within SHUTDOWN_GRACE_MS, before the database closes.
  const draining = gracefulClose(app, config.SHUTDOWN_GRACE_MS, () => kernel.jobs.stop());
  app.addHook('onClose', async () => {
    await draining.workStopped();
    await kernel.close();
  });
  const oauth = await createAuthorizationServer(kernel, { products: products.map((p) => p.definition(config)) });
  const csrf = new Csrf(kernel.secretKey, config.ISSUER.startsWith('https:'));
  const accounts = createAccounts({
    db: kernel.database.db,
    config,
    clock: kernel.clock,
    log: app.log,
    csrf,
    onSessionsEnded: oauth.sessionsEnded,
  });
  kernel.onClose(() => accounts.close());

  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });

  await app.register(cookie);
  registerFormBody(app);
  registerStrictJsonBody(app);
  useDefaultErrorHandler(app);
  await securityHeaders(app, { hsts: config.ISSUER.startsWith('https:') });
  app.addHook('onRequest', (request, _reply, done) => {
    // Before any route reads a path parameter or the query (see nul-characters.ts).
    done(addressHoldsNul(request.url) ? new MalformedBody(`the address holds %00: ${NUL_REFUSED}`) : undefined);
  });
  await registerRateLimit(app, config);
  await registerOpenApi(app, config);
  await metricsRoutes(app, config);
  batchResponseWrites(app);
  await healthRoutes(app, kernel);
  await staticAssets(app);

  const deps: PlatformDeps = { kernel, accounts, oauth, csrf };
  const attached = await Promise.all(products.map(async (product) => (await product.load()).attach(deps)));
  const accountSections = [
    profileSection(),
    oauth.connectedAppsSection(),
    ...attached.flatMap((a) => a.accountSections ?? []),
    passkeysAccountSection(accounts),
    sessionsSection(accounts),
  ];
  const developerSections = attached.flatMap((a) => a.developerSections ?? []);
  const apiDocs = attached.flatMap((a) => a.apiDocs ?? []);
  setProductNavigation(attached.flatMap((a) => (a.nav ? [a.nav] : [])));

  await app.register(async (scope) =>
    accountsRoutes(scope, {
      db: kernel.database.db,
      config,
      clock: kernel.clock,
      log: app.log,
      csrf,
      accounts,
      accountSections,
    }),
  );
  await oauth.routes(app, { accounts, csrf });
  await app.register(async (scope) =>
    consoleRoutes(scope, { kernel, oauth, accounts, csrf, root: app, developerSections, apiDocs }),
  );
  // Products last: the scheduling product's public booking pages answer /{host}/{event}.
  for (const product of attached) await app.register(async (scope) => product.routes(scope));

  // Products register their job handlers while their plugins load; work starts once all are in.
  app.addHook('onReady', async () => kernel.jobs.start());
  const purgers = [purgeKernelData, oauth.purger, purgeAccounts, ...attached.flatMap((a) => a.purgers ?? [])];
  const stopJanitor = startJanitor(kernel.database, kernel.clock, app.log, {
    intervalSeconds: config.JANITOR_INTERVAL_SECONDS,
    batchSize: config.JANITOR_BATCH_SIZE,
    purgers,
  });
  app.addHook('onClose', async () => stopJanitor());
  return { app, kernel, oauth, accounts, purgers };
}
