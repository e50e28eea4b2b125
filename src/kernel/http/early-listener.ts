import { lookup } from 'node:dns/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyServerFactory } from 'fastify';

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export interface EarlyListener {
  /** Fastify's `serverFactory`: the app takes these servers and sets its connection settings on them. */
  serverFactory: FastifyServerFactory;
  /** From now on requests go to `handler` (the app's router) instead of the starting answers. */
  serve(handler: RequestHandler): void;
  /** Closing `app` closes the listener first, and waits for its connections, before the app's own closers run. */
  closeWith(app: FastifyInstance, graceMs: number): void;
  /** Stops accepting, lets requests in progress end, cuts what is still open after `graceMs`. */
  close(graceMs: number): Promise<void>;
}

/**
 * Binds HOST:PORT before the app exists, answering with `meanwhile` until `serve` hands requests
 * to the app. One set of servers for the whole life of the process — the app adopts them through
 * Fastify's serverFactory instead of listening itself — so between "starting" and "serving" the
 * port never refuses a connection. `localhost` is bound on every address it names (127.0.0.1 and
 * ::1), as Fastify's own listen does; an address other than the first that cannot be bound (no
 * IPv6) is left out.
 */
export async function listenEarly(host: string, port: number, meanwhile: RequestHandler): Promise<EarlyListener> {
  let handler = meanwhile;
  const newServer = () => createServer((request, response) => handler(request, response));
  const hosts = host === 'localhost' ? [...new Set((await lookup(host, { all: true })).map((a) => a.address))] : [host];
  const primary = newServer();
  await listen(primary, port, hosts[0] ?? host);
  const servers = [primary];
  const boundPort = (primary.address() as { port: number }).port;
  for (const other of hosts.slice(1)) {
    const server = newServer();
    try {
      await listen(server, boundPort, other);
      servers.push(server);
    } catch {
      // Not bindable here (IPv6 turned off): the first address serves.
    }
  }

  let closing: Promise<void> | undefined;
  const close = (graceMs: number) => (closing ??= closeAll(servers, graceMs));

  return {
    serverFactory: (_appHandler, options) => {
      // What Fastify sets on a server it makes itself (its defaults: keep-alive 72 s, no request timeout).
      const settings = options as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      for (const server of servers) {
        server.keepAliveTimeout = settings.keepAliveTimeout;
        server.requestTimeout = settings.requestTimeout;
        server.setTimeout(settings.connectionTimeout);
      }
      return primary;
    },
    serve: (appHandler) => void (handler = appHandler),
    closeWith: (app, graceMs) => {
      app.addHook('preClose', async () => void close(graceMs));
      // onClose hooks run last-registered first: this one before the app's, which close the database.
      app.addHook('onClose', () => close(graceMs));
    },
    close,
  };
}

/** close() stops accepting and ends idle keep-alive connections; busy ones get `graceMs` to finish. */
async function closeAll(servers: Server[], graceMs: number): Promise<void> {
  const cut = setTimeout(() => servers.forEach((server) => server.closeAllConnections()), graceMs);
  cut.unref();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  clearTimeout(cut);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
