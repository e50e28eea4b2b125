import { sql, type Kysely } from 'kysely';

/**
 * Jobs with a key: one may wait while another with the same key runs (before, enqueueing during
 * a run was a no-op, so work asked for then was lost), and the queue never claims a job while
 * one with its key runs, so the same work never runs twice at once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`drop index jobs_dedupe`.execute(db);
  await sql`create unique index jobs_dedupe on jobs (name, dedupe_key) where dedupe_key is not null and status = 'pending'`.execute(
    db,
  );
  await sql`create index jobs_running_key on jobs (name, dedupe_key) where dedupe_key is not null and status = 'running'`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index jobs_running_key`.execute(db);
  await sql`drop index jobs_dedupe`.execute(db);
  await sql`create unique index jobs_dedupe on jobs (name, dedupe_key) where dedupe_key is not null and status in ('pending', 'running')`.execute(
    db,
  );
}
