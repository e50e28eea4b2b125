import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.ts';
import type { Clock } from '../clock.ts';
import { purgeFinishedJobs } from './job-repository.ts';

/**
 * One feature's clean-up: deletes what expired by `now` in batches of at most `batchSize` rows
 * (never one huge statement) and says how many rows went, by table. Safe on every node at once.
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

/** Runs the purgers every `intervalSeconds`; the timer never keeps the process alive. */
export function startJanitor(
  db: Db,
  clock: Clock,
  log: FastifyBaseLogger,
  options: { intervalSeconds: number; batchSize: number; purgers: Purger[] },
): () => void {
  if (options.intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeExpired(db, clock.now(), options.batchSize, options.purgers, log)
      .then((purged) => {
        const total = Object.values(purged).reduce((a, b) => a + b, 0);
        if (total > 0) log.info({ purged }, 'janitor purged expired rows');
      })
      .finally(() => (running = false));
  }, options.intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
