import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import type { Config } from '../config.ts';
import { systemClock, type Clock } from './clock.ts';
import { resolveSecretKey } from './crypto/secret-key.ts';
import { SecretBox } from './crypto/secret-box.ts';
import { openDatabase, sqliteFile, type DatabaseHandle } from './db/database.ts';
import { migrateToLatest } from './db/migrate.ts';
import { databaseLabel, untilDatabaseAnswers } from './db/wait-for-database.ts';
import { createJobQueue, type JobQueue } from './jobs/index.ts';
import { KeyRing } from './keys/key-ring.ts';
import { SigningKeyRepository } from './keys/signing-key-repository.ts';
import { ScopeRegistry } from './scope-registry.ts';

/**
 * What every feature receives: configuration, clock, database, the secret key (for purpose-bound
 * SecretBoxes), signing keys, the job queue and the scope registry. Built once per process by
 * the composition root (src/app.ts) or a CLI command; it names no feature.
 */
export interface Kernel {
  config: Config;
  clock: Clock;
  log: FastifyBaseLogger;
  database: DatabaseHandle;
  secretKey: Buffer;
  keys: KeyRing;
  registry: ScopeRegistry;
  jobs: JobQueue;
  /** Tests: fail a SQLite group-commit unit that awaits anything but its own statements. */
  checkGroupCommitUnits: boolean;
  /** A SecretBox for one purpose: boxes of different purposes cannot open each other's contents. */
  box(purpose: string): SecretBox;
  /** Runs `close` at shutdown, after everything registered before it (last in, first out). */
  onClose(close: () => Promise<void>): void;
  close(): Promise<void>;
}

export interface KernelOptions {
  clock?: Clock;
  log?: FastifyBaseLogger;
  /** Fail a SQLite group-commit unit that awaits anything but its statements (the tests' servers set this). */
  checkGroupCommitUnits?: boolean;
  /**
   * `consentry start`: while PostgreSQL cannot be reached, retry (see wait-for-database.ts) rather
   * than fail. A SQLite file opens or fails at once: there is nothing to wait for.
   */
  waitForDatabase?: boolean;
}

/** Opens and migrates the database and loads the signing keys. */
export async function createKernel(config: Config, options: KernelOptions = {}): Promise<Kernel> {
  const log = options.log ?? pino({ level: 'warn' });
  if (options.waitForDatabase && sqliteFile(config.DATABASE_URL) === undefined)
    return untilDatabaseAnswers(() => openKernel(config, options, log), log, databaseLabel(config.DATABASE_URL));
  return openKernel(config, options, log);
}

/** One attempt: a failure closes what it opened. */
async function openKernel(config: Config, options: KernelOptions, log: FastifyBaseLogger): Promise<Kernel> {
  const clock = options.clock ?? systemClock;
  const database = openDatabase(
    config.DATABASE_URL,
    config.DATABASE_POOL_SIZE,
    (error) =>
      database.dialect === 'sqlite'
        ? log.error({ err: error }, 'SQLite checkpoints fell back to the committing connection')
        : log.warn({ err: error }, 'a PostgreSQL connection was lost; the pool opens a new one when needed'),
    {
      connectMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
      sqliteCacheMib: config.SQLITE_CACHE_MIB,
    },
  );
  const closers: Array<() => Promise<void>> = [() => database.close()];
  try {
    await migrateToLatest(database.db);
    const secret = resolveSecretKey(config);
    if (secret.generatedAt)
      log.warn({ file: secret.generatedAt }, 'generated a development SECRET_KEY; set SECRET_KEY in production');
    const keys = new KeyRing({
      repo: new SigningKeyRepository(database.db, database.dialect),
      box: new SecretBox(secret.key, 'signing-keys'),
      clock,
      reloadMs: config.KEY_RELOAD_SECONDS * 1000,
    });
    await keys.ensureKeys();
    return {
      config,
      clock,
      log,
      database,
      secretKey: secret.key,
      keys,
      registry: new ScopeRegistry(config.ISSUER),
      jobs: createJobQueue(database, clock, log, {
        pollMs: config.JOBS_POLL_MS,
        concurrency: config.JOBS_CONCURRENCY,
        leaseMs: config.JOBS_LEASE_SECONDS * 1000,
        stopGraceMs: config.SHUTDOWN_GRACE_MS,
      }),
      checkGroupCommitUnits: options.checkGroupCommitUnits ?? false,
      box: (purpose) => new SecretBox(secret.key, purpose),
      onClose: (close) => void closers.push(close),
      close: async () => {
        for (const close of closers.splice(0).reverse()) await close();
      },
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
