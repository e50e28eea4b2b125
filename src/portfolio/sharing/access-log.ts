import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../../kernel/clock.ts';
import { newId } from '../../kernel/crypto/tokens.ts';
import { inBatches, type Purger } from '../../kernel/jobs/janitor.ts';
import { AccessLogRepository, type AccessCursor, type AccessEntry } from './access-log-repository.ts';

/** How long an app's reads stay in its log (then the janitor deletes them). */
export const ACCESS_LOG_DAYS = 90;
const DAY_MS = 86_400_000;
/** A batch is written this long after its first entry, or at once when this many wait. */
const FLUSH_AFTER_MS = 500;
const FLUSH_AT = 100;

export interface AccessRead {
  userId: string;
  clientId: string;
  endpoint: string;
  items: number;
}

/**
 * What each app read for each person, written off the request path: an entry waits in memory
 * and goes with the others of the next half second in one multi-row insert, so an API request
 * pays for pushing to an array, not for a write (a SQLite commit is a WAL fsync; one per request
 * would double the cost of a cheap read). A failed write is logged with how many entries it
 * lost. Nothing is lost on a normal shutdown: `close()` (run by the kernel before the database
 * closes) writes what still waits. A crash loses at most the last half second.
 */
export class AccessLog {
  private waiting: AccessEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly deps: { repo: AccessLogRepository; clock: Clock; log: FastifyBaseLogger }) {}

  /** Notes one request; returns at once. */
  record(read: AccessRead): void {
    this.waiting.push({ id: newId(), at: this.deps.clock.now(), ...read });
    if (this.waiting.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_AFTER_MS).unref();
  }

  /** Writes everything noted so far (and waits for writes already under way). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0);
    if (batch.length) {
      const write = this.deps.repo.insertMany(batch).catch((error: unknown) => {
        this.deps.log.error({ err: error, lost: batch.length }, 'the access log could not be written');
      });
      this.writing.add(write);
      void write.finally(() => this.writing.delete(write));
    }
    await Promise.all([...this.writing]);
  }

  /** The app's entries for the person, newest first (what this node still holds is written first). */
  async page(userId: string, clientId: string, limit: number, before?: AccessCursor): Promise<AccessEntry[]> {
    await this.flush();
    return this.deps.repo.page(userId, clientId, limit, before);
  }

  async count(userId: string, clientId: string): Promise<number> {
    await this.flush();
    return this.deps.repo.count(userId, clientId);
  }

  async forgetClient(clientId: string): Promise<void> {
    await this.flush();
    await this.deps.repo.deleteForClient(clientId);
  }
}

/** For the janitor: access-log entries older than ACCESS_LOG_DAYS. */
export const purgeAccessLog: Purger = async (db, now, batchSize) => {
  const repo = new AccessLogRepository(db);
  const cutoff = now - ACCESS_LOG_DAYS * DAY_MS;
  return { portfolio_access_log: await inBatches(batchSize, () => repo.deleteOlderThan(cutoff, batchSize)) };
};
