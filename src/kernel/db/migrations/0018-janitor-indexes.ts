import { sql, type Kysely } from 'kysely';

/**
 * Indexes for the janitor's statements that read whole tables (test/jobs/janitor-indexes.test.ts).
 * Batches bound what one statement deletes, not what it reads: finding the expired rows of a
 * table without an index reads every row kept, on every node, every minute.
 * - revoked_access_tokens by expiry: a row per access token revoked at rotation.
 * - otp_challenges by creation: a row per one-time code sent.
 * - refresh_tokens by the end of a rotation's grace window, only where one is recorded (partial):
 *   the janitor clears what rotations recorded once their window closed, and a full read of the
 *   largest table (weeks of rotations) found the minute's few.
 * Building them reads each table once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('revoked_access_tokens_expires')
    .on('revoked_access_tokens')
    .column('expires_at')
    .execute();
  await db.schema.createIndex('otp_challenges_created').on('otp_challenges').column('created_at').execute();
  await sql`create index refresh_tokens_parked on refresh_tokens (successor_response_expires_at) where successor_response_expires_at is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('refresh_tokens_parked').execute();
  await db.schema.dropIndex('otp_challenges_created').execute();
  await db.schema.dropIndex('revoked_access_tokens_expires').execute();
}
