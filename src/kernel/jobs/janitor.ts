import type { FastifyBaseLogger } from 'fastify';
import { purgeAccountsData } from '../../accounts/index.ts';
import type { Db } from '../db/database.ts';
import { purgeFinishedJobs } from './job-repository.ts';
import type { Clock } from '../clock.ts';

type PurgeTable = 'authorization_codes' | 'interactions' | 'revoked_access_tokens' | 'refresh_tokens' | 'token_families';

/** Tables whose rows die at `expires_at`; a family takes its remaining refresh tokens along. */
const EXPIRING: PurgeTable[] = ['authorization_codes', 'interactions', 'revoked_access_tokens', 'refresh_tokens', 'token_families'];

const KEY_COLUMN: Record<PurgeTable, string> = {
  authorization_codes: 'code_hash',
  interactions: 'id',
  revoked_access_tokens: 'jti',
  refresh_tokens: 'id',
  token_families: 'id',
};

/**
 * Deletes expired rows in bounded batches (never one huge statement), table by table, until a
 * batch comes back short. Safe to run on every node at once.
 */
export async function purgeExpired(db: Db, now: number, batchSize: number): Promise<Record<string, number>> {
  const purged: Record<string, number> = {};
  for (const table of EXPIRING) {
    purged[table] = 0;
    for (;;) {
      const deleted = await deleteBatch(db, table, now, batchSize);
      purged[table] += deleted;
      if (deleted < batchSize) break;
    }
  }
  // Sessions and one-time-code challenges follow the accounts feature's own retention rules.
  purged.sessions = 0;
  purged.otp_challenges = 0;
  for (;;) {
    const { sessions, challenges } = await purgeAccountsData(db, now, batchSize);
    purged.sessions += sessions;
    purged.otp_challenges += challenges;
    if (sessions < batchSize && challenges < batchSize) break;
  }
  // Finished background jobs are kept a week for inspection.
  purged.jobs = 0;
  for (;;) {
    const deleted = await purgeFinishedJobs(db, now - 7 * 86_400_000, batchSize);
    purged.jobs += deleted;
    if (deleted < batchSize) break;
  }
  // Parked grace-window responses hold live tokens (sealed): drop them once the window closed.
  const parked = await db
    .updateTable('refresh_tokens')
    .set({ successor_response: null, successor_response_expires_at: null })
    .where('successor_response_expires_at', '<=', now)
    .executeTakeFirst();
  purged.parked_responses = Number(parked.numUpdatedRows);
  const keys = await db.deleteFrom('signing_keys').where('status', '=', 'retired').where('publish_until', '<=', now).executeTakeFirst();
  purged.signing_keys = Number(keys.numDeletedRows);
  return purged;
}

async function deleteBatch(db: Db, table: PurgeTable, now: number, batchSize: number): Promise<number> {
  const key = KEY_COLUMN[table];
  const doomed = db.selectFrom(table).select(key as never).where('expires_at' as never, '<=', now as never).limit(batchSize);
  const result = await db.deleteFrom(table).where(key as never, 'in', doomed as never).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Runs the purge every `intervalSeconds`; the timer never keeps the process alive. */
export function startJanitor(db: Db, clock: Clock, log: FastifyBaseLogger, intervalSeconds: number, batchSize: number): () => void {
  if (intervalSeconds <= 0) return () => {};
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    purgeExpired(db, clock.now(), batchSize)
      .then((purged) => {
        const total = Object.values(purged).reduce((a, b) => a + b, 0);
        if (total > 0) log.info({ purged }, 'janitor purged expired rows');
      })
      .catch((error: unknown) => log.error({ err: error }, 'janitor failed'))
      .finally(() => (running = false));
  }, intervalSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
