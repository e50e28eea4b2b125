import { createServer } from 'node:net';
import { buildApp, type BuiltApp } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { freshDatabaseUrl, type TestDialect } from './database.ts';
import { TestClock } from './test-clock.ts';

export interface TestServer extends BuiltApp {
  url: string;
  config: Config;
  clock: TestClock;
  close(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  dialect?: TestDialect;
  /** Share a database (two nodes on one PostgreSQL); default: a fresh one. */
  databaseUrl?: string;
  /** Collects the server's log lines (set LOG_LEVEL in `env` to choose how much). */
  logStream?: { write(line: string): void };
  /** Adds routes (e.g. a protected test resource) before the server listens. */
  extend?: (built: BuiltApp) => Promise<void> | void;
  /**
   * The ISSUER's host (the server listens on 127.0.0.1 either way). `localhost` for passkeys:
   * a WebAuthn RP ID must be a domain, and Chromium refuses 127.0.0.1.
   */
  issuerHost?: '127.0.0.1' | 'localhost';
}

/** A real Consentry listening on 127.0.0.1 with its own database and an adjustable clock. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const port = await freePort();
  const database = options.databaseUrl
    ? { url: options.databaseUrl, drop: async () => {} }
    : await freshDatabaseUrl(options.dialect);
  const config = loadConfig({
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: String(port),
    ISSUER: `http://${options.issuerHost ?? '127.0.0.1'}:${port}`,
    DATABASE_URL: database.url,
    SECRET_KEY: 'dGVzdC1zZWNyZXQta2V5LXRoYXQtaXMtMzItYnl0ZXMhIQ',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JANITOR_INTERVAL_SECONDS: '0',
    ...options.env,
  });
  const clock = new TestClock();
  // Every test server checks the group-commit rule (a unit awaits nothing but its statements).
  const built = await buildApp(config, {
    clock,
    checkGroupCommitUnits: true,
    ...(options.logStream ? { logStream: options.logStream } : {}),
  });
  await options.extend?.(built);
  await built.app.listen({ host: '127.0.0.1', port: config.PORT });
  return {
    ...built,
    url: config.ISSUER,
    config,
    clock,
    close: async () => {
      await built.app.close();
      await database.drop();
    },
  };
}

/**
 * A port for a server the caller starts a moment later. Not one the kernel hands out: it takes
 * listen(0) ports and every outgoing connection's local port from ip_local_port_range
 * (32768–60999), so a port found free there can be taken by another test's connection before
 * the caller listens on it (CI saw EADDRINUSE). Each test process takes its ports from a block
 * of its own below that range, in turn, skipping any found in use.
 */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < PORT_BLOCK_SIZE; tries += 1) {
    const port = PORT_BLOCK_START + (nextPortInBlock++ % PORT_BLOCK_SIZE);
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port in ${PORT_BLOCK_START}–${PORT_BLOCK_START + PORT_BLOCK_SIZE - 1}`);
}

const PORT_BLOCK_SIZE = 1_000;
// Blocks 0–10 (ports 10000–20999) for Vitest's workers, which it numbers from 1; blocks 11–21
// (21000–31999, still below the kernel's range) for anything else, such as the global setup
// that starts anvil, by pid.
const workerId = Number(process.env.VITEST_POOL_ID);
const PORT_BLOCK_START = 10_000 + (workerId ? workerId % 11 : 11 + (process.pid % 11)) * PORT_BLOCK_SIZE;
let nextPortInBlock = Math.floor(Math.random() * PORT_BLOCK_SIZE);

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
