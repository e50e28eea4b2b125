import { randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import { accountsRoutes, createAccounts, type Accounts } from '../../../src/accounts/index.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import { openDatabase, type Db } from '../../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../../src/kernel/db/migrate.ts';
import { Csrf } from '../../../src/ui/csrf.ts';
import { freshDatabaseUrl, type TestDialect } from '../../helpers/database.ts';
import { TestClock } from '../../helpers/test-clock.ts';

export interface LogRecord {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface AccountsTestApp {
  app: FastifyInstance;
  accounts: Accounts;
  db: Db;
  config: Config;
  clock: TestClock;
  /** Every log line written by the app and the accounts feature, parsed. */
  logs: LogRecord[];
  close(): Promise<void>;
}

/**
 * Fastify with only what the accounts routes need: cookies, form bodies, a real database
 * (in-memory SQLite, or PostgreSQL when asked) and the accounts feature itself.
 */
export interface BuildOptions {
  env?: Record<string, string>;
  dialect?: TestDialect;
  /** Adds routes before the app is ready (e.g. a probe that reads the current session). */
  extend?: (app: FastifyInstance, accounts: Accounts) => void;
  /** Freeze the clock at this instant (moved only by advance): for exact time arithmetic under load. */
  frozenAt?: number;
}

export async function buildAccountsApp(options: BuildOptions = {}): Promise<AccountsTestApp> {
  const database = await freshDatabaseUrl(options.dialect);
  const config = loadConfig({
    NODE_ENV: 'test',
    ISSUER: 'http://localhost:3000',
    DATABASE_URL: database.url,
    ...options.env,
  });
  const handle = openDatabase(config.DATABASE_URL);
  await migrateToLatest(handle.db);
  const logs: LogRecord[] = [];
  const log: FastifyBaseLogger = pino(
    { level: 'debug' },
    { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) },
  );
  const clock = new TestClock(options.frozenAt);
  const csrf = new Csrf(randomBytes(32), config.ISSUER.startsWith('https:'));
  const app = Fastify({ loggerInstance: log });
  await app.register(cookie);
  await app.register(formbody);
  const accounts = createAccounts({ db: handle.db, config, clock, log, csrf });
  await app.register(accountsRoutes, { db: handle.db, config, clock, log, csrf, accounts });
  options.extend?.(app, accounts);
  await app.ready();
  return {
    app,
    accounts,
    db: handle.db,
    config,
    clock,
    logs,
    async close() {
      await app.close();
      await accounts.close();
      await handle.close();
      await database.drop();
    },
  };
}
