import type { FastifyInstance } from 'fastify';

export interface GracefulClose {
  /** Resolves once the background work has stopped (waiting at most the grace period); for onClose. */
  workStopped(): Promise<void>;
}

/**
 * Makes `app.close()` a bounded drain. When closing starts, the server stops accepting
 * connections (Fastify answers requests that still arrive on open keep-alive connections with
 * 503 and `Connection: close`), requests in progress run to their end, and background work is
 * told to stop, all at once. After `graceMs`, connections still open — a slow request, a
 * streaming MCP response, a client that never reads — are cut, so close always ends: an
 * unbounded drain once held a test's close for over a minute.
 */
export function gracefulClose(app: FastifyInstance, graceMs: number, stopWork: () => Promise<void>): GracefulClose {
  let stopping: Promise<void> | undefined;
  let cut: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    stopping ??= stopWork();
    cut = setTimeout(() => {
      app.log.warn({ graceMs }, 'shutdown: closing the connections still open after the grace period');
      app.server.closeAllConnections();
    }, graceMs);
    cut.unref();
  });
  return {
    async workStopped() {
      try {
        await (stopping ??= stopWork());
      } finally {
        clearTimeout(cut);
      }
    },
  };
}
