import { sql, type Kysely } from 'kysely';

/**
 * The janitor clears only what rotations recorded that holds live tokens: a whole successor
 * response, sealed (`v1.…`), which versions before derived successors wrote. A rotation now
 * records `replayable:` and a fingerprint of the rotating request, which gives nothing away; it
 * stays until its row expires, instead of the janitor rewriting every rotated row once its grace
 * window closed (a second write per refresh: on PostgreSQL a new row version and an entry in each
 * of the table's indexes, then vacuum's work; in the soak, about 6,000 rows a minute).
 *
 * So the partial index of 0018 now holds sealed responses alone, and a rotation adds no entry to
 * it. The janitor's statement repeats this predicate word for word (purge.ts): both SQLite and
 * PostgreSQL use a partial index only for a query whose conditions imply the index's. Building it
 * reads the table once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refresh_tokens_parked').execute();
  await sql`create index refresh_tokens_sealed on refresh_tokens (successor_response_expires_at)
    where successor_response_expires_at is not null and successor_response not like 'replayable:%'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refresh_tokens_sealed').execute();
  await sql`create index refresh_tokens_parked on refresh_tokens (successor_response_expires_at) where successor_response_expires_at is not null`.execute(
    db,
  );
}
