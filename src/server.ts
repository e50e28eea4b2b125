import { setFlagsFromString } from 'node:v8';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { listenEarly } from './kernel/http/early-listener.ts';
import { compactHeap } from './kernel/memory/compact-heap.ts';
import { answerWhileStarting } from './kernel/http/starting-answers.ts';
import { createLogger } from './kernel/log/create-logger.ts';

/** How long past the grace period a shutdown may take (closing the database, Redis) before the process just exits. */
const CLOSE_MARGIN_MS = 5000;
/** The old generation may grow to 1.2x what survived a full collection (see `startServer`). */
const HEAP_GROWING_PERCENT = 20;

/**
 * Starts the platform and stops it cleanly on SIGINT/SIGTERM: no new connections, requests and
 * jobs in progress get SHUTDOWN_GRACE_MS to finish (jobs still running then go back to the
 * queue), then the database and Redis close. A second signal exits at once.
 *
 * The port is bound first, before the app's modules load: a node started while PostgreSQL cannot
 * be reached waits for it (wait-for-database.ts) and meanwhile answers as a starting node does
 * (starting-answers.ts: alive, not ready, 503 with Retry-After), then the app takes over the same
 * sockets. A signal before then exits 0 at once: no request has reached the app.
 */
export async function startServer(config: Config): Promise<void> {
  const log = createLogger(config);
  const listener = await listenEarly(config.HOST, config.PORT, answerWhileStarting);
  const nowServing = stopOnSignals(config, log);

  const [{ buildApp }, { tryAppEnabled }] = await Promise.all([import('./app.ts'), import('./console/index.ts')]);
  let app: FastifyInstance;
  try {
    ({ app } = await buildApp(config, {
      loggerInstance: log,
      serverFactory: listener.serverFactory,
      waitForDatabase: true,
    }));
    listener.closeWith(app, config.SHUTDOWN_GRACE_MS);
    await app.ready();
  } catch (error) {
    await listener.close(0);
    throw new Error(`Consentry cannot start: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  // Before serving, so the garbage of loading the app is not what an idle node keeps.
  await compactHeap();
  listener.serve(app.routing);
  // bin/consentry.js loaded the server with --optimize-for-size; under load V8's defaults cost less CPU.
  if (config.MEMORY_MODE === 'lean') setFlagsFromString('--no-optimize-for-size');
  // V8 lets the old generation grow to up to 4x what survived its last full collection before the
  // next one when a server allocates fast: over the token bench its old space swung between ~40 and
  // ~110 MiB, and the process's peak with it. 1.2x bounds the swing at the same CPU per request.
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  nowServing(app);
  app.log.info(
    { issuer: config.ISSUER },
    `Consentry is serving ${config.ISSUER} (discovery: ${config.ISSUER}/.well-known/openid-configuration)`,
  );
  if (tryAppEnabled(config))
    app.log.info(`Try it out: ${config.ISSUER}/try walks you through an app connecting to your account`);
}

/** Handles SIGINT/SIGTERM from the start; the returned function tells it the app serves (and must be drained). */
function stopOnSignals(config: Config, log: FastifyBaseLogger): (app: FastifyInstance) => void {
  let serving: FastifyInstance | undefined;
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      const app = serving;
      if (!app) {
        log.info({ signal }, 'shutting down before serving: nothing to finish');
        process.exit(0);
      }
      log.info(
        { signal, graceMs: config.SHUTDOWN_GRACE_MS },
        'shutting down: finishing the requests and jobs in progress',
      );
      setTimeout(() => {
        log.error('shutdown did not finish in time; exiting');
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS + CLOSE_MARGIN_MS).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
  return (app) => void (serving = app);
}
