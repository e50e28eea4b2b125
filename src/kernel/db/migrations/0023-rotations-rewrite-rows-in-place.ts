import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A rotation marks the old refresh token rotated and records the replay fingerprint on it. On
 * PostgreSQL an UPDATE writes a new version of the row; it stays "heap-only" (HOT: no new entry
 * in any index, no index bloat for vacuum to clear) only when no indexed column changes and the
 * row's page has room. Neither held: 0021's partial index reads `successor_response` and
 * `successor_response_expires_at`, which every rotation sets, and rows are inserted into full
 * pages. So a rotation's update added an entry to four indexes (id, hash, family, expiry), as
 * many as the successor's insert (the bench: 1 update in 12,188 was HOT; 1,575 bytes of WAL per
 * rotation).
 *
 * The index served only the janitor's clearing of sealed successor responses, which versions
 * before derived successors wrote (0021). This clears the sealed responses whose grace window
 * has closed, through that index, then drops it: rotations no longer write any indexed column.
 * PostgreSQL also leaves half of each new page of the table free, room for the rotated version of
 * each row (measured: 96% of rotations HOT, 1,065 bytes of WAL each; with 70, 73% HOT).
 *
 * Until the rollout ends, a node of an earlier version reads the whole table for its janitor's
 * sealed responses, and one from before derived successors may still seal some: those are
 * encrypted with SECRET_KEY and go with their rows when they expire.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update refresh_tokens set successor_response = null, successor_response_expires_at = null
    where successor_response_expires_at is not null and successor_response not like 'replayable:%'
      and successor_response_expires_at <= ${Date.now()}`.execute(db);
  await db.schema.dropIndex('refresh_tokens_sealed').execute();
  if (onPostgres(db)) await sql`alter table refresh_tokens set (fillfactor = 50)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (onPostgres(db)) await sql`alter table refresh_tokens reset (fillfactor)`.execute(db);
  await sql`create index refresh_tokens_sealed on refresh_tokens (successor_response_expires_at)
    where successor_response_expires_at is not null and successor_response not like 'replayable:%'`.execute(db);
}

function onPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
