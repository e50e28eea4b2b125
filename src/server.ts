import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { tryAppEnabled } from './console/index.ts';

/** Starts the platform and stops it cleanly on SIGINT/SIGTERM (in-flight requests finish). */
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
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
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
