import type { Kysely } from 'kysely';

/** What the security review's fixes need: codes found by grant, verified clients, the SMS budget. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Revoking a grant uses up its outstanding codes.
  await db.schema.createIndex('authorization_codes_grant').on('authorization_codes').column('grant_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('authorization_codes_grant').execute();
}
