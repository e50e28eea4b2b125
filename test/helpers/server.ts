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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
