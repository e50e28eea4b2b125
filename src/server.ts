import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { tryAppEnabled } from './console/index.ts';

/** How long past the grace period a shutdown may take (closing the database, Redis) before the process just exits. */
const CLOSE_MARGIN_MS = 5000;

/**
 * Starts the platform and stops it cleanly on SIGINT/SIGTERM: no new connections, requests and
 * jobs in progress get SHUTDOWN_GRACE_MS to finish (jobs still running then go back to the
 * queue), then the database and Redis close. A second signal exits at once.
 */
export async function startServer(config: Config): Promise<void> {
  const { app } = await buildApp(config);
  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(
    { issuer: config.ISSUER },
    `Consentry is serving ${config.ISSUER} (discovery: ${config.ISSUER}/.well-known/openid-configuration)`,
  );
  if (tryAppEnabled(config))
    app.log.info(`Try it out: ${config.ISSUER}/try walks you through an app connecting to your account`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        app.log.warn({ signal }, 'second signal: exiting without waiting');
        process.exit(1);
      }
      stopping = true;
      app.log.info(
        { signal, graceMs: config.SHUTDOWN_GRACE_MS },
        'shutting down: finishing the requests and jobs in progress',
      );
      setTimeout(() => {
        app.log.error('shutdown did not finish in time; exiting');
        process.exit(1);
      }, config.SHUTDOWN_GRACE_MS + CLOSE_MARGIN_MS).unref();
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          app.log.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}
