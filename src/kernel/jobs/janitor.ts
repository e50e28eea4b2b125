import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { DatabaseHandle, Db } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { purgeFinishedJobs } from './job-repository.ts';

/**
 * One feature's clean-up: deletes what expired by `now` in batches of at most `batchSize` rows
 * (never one huge statement) and says how many rows went, by table. The janitor runs one node's
 * purgers at a time (`unlessPurgingElsewhere`).
 */
export type Purger = (db: Db, now: number, batchSize: number) => Promise<Record<string, number>>;

/**
 * Repeats `batch` (one statement deleting or clearing at most `batchSize` rows) until a batch comes
 * back short; answers the rows it changed.
 */
export async function inBatches(batchSize: number, batch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const changed = await batch();
    total += changed;
    if (changed < batchSize) return total;
  }
}

/** The kernel's own clean-up: finished background jobs (kept a week for inspection) and retired signing keys. */
export const purgeKernelData: Purger = async (db, now, batchSize) => {
  const jobs = await inBatches(batchSize, () => purgeFinishedJobs(db, now - 7 * 86_400_000, batchSize));
  const keys = await db
    .deleteFrom('signing_keys')
    .where('status', '=', 'retired')
    .where('publish_until', '<=', now)
    .executeTakeFirst();
  return { jobs, signing_keys: Number(keys.numDeletedRows) };
};

/** Runs every purger once, in order; a failing one does not stop the others. */
export async function purgeExpired(
  db: Db,
  now: number,
  batchSize: number,
  purgers: Purger[],
  log?: FastifyBaseLogger,
): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  for (const purge of purgers) {
    try {
      Object.assign(purged, await purge(db, now, batchSize));
    } catch (error) {
      if (!log) throw error;
      log.error({ err: error }, 'janitor: a purger failed');
    }
  }
  return purged;
}

/** PostgreSQL advisory lock key of the janitor (the signing keys' is 727001). */
const JANITOR_LOCK = 727002;

/**
 * Runs `purge` unless another node's janitor is purging now; answers whether it ran. Nodes
 * purging at once deleted the same expired rows from both ends (refresh tokens directly, and
 * through their families' cascade) and deadlocked: in the soak, every minute one node's purge
 * waited out PostgreSQL's `deadlock_timeout` (1 s) and failed. The lock is a session lock, taken
 * and let go on the one connection the purge runs on: the janitor holds one connection of the
 * pool, as before, and a purge stays many short transactions (a transaction-scoped lock would
 * make it one long one). SQLite takes one writer at a time anyway.
 */
export async function unlessPurgingElsewhere(
  database: DatabaseHandle,
  purge: (db: Db) => Promise<void>,
): Promise<boolean> {
  if (database.dialect === 'sqlite') {
    await purge(database.db);
    return true;
  }
  return database.db.connection().execute(async (connection) => {
    const taken = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${JANITOR_LOCK}) as locked`.execute(
      connection,
    );
    if (taken.rows[0]?.locked !== true) return false;
    try {
      await purge(connection);
    } finally {
      // A connection lost meanwhile took the lock with it; the pool never hands it out again.
      await sql`select pg_advisory_unlock(${JANITOR_LOCK})`.execute(connection);
    }
    return true;
  });
}

/** Runs the purgers every `intervalSeconds`; the timer never keeps the process alive. */
export function startJanitor(
  database: DatabaseHandle,
  clock: Clock,
  log: FastifyBaseLogger,
  options: { intervalSeconds: number; batchSize: number; purgers: Purger[] },
): () => void {
  if (options.intervalSeconds <= 0) return () => {};
  let running = false;
  const purge = async (db: Db) => {
    const purged = await purgeExpired(db, clock.now(), options.batchSize, options.purgers, log);
    const total = Object.values(purged).reduce((a, b) => a + b, 0);
    if (total > 0) log.info({ purged }, 'janitor purged expired rows');
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    unlessPurgingElsewhere(database, purge)
      .catch((error: unknown) => log.warn({ err: error }, 'janitor: the database did not answer; next round later'))
      .finally(() => (running = false));
  }, options.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
