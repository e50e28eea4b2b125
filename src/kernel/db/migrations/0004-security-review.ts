import { sql, type Kysely } from 'kysely';

/** What the security review's fixes need: codes found by grant, verified clients, the SMS budget. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Revoking a grant uses up its outstanding codes.
  await db.schema.createIndex('authorization_codes_grant').on('authorization_codes').column('grant_id').execute();
  // Pending authorization requests are bounded per requesting address.
  await db.schema.alterTable('interactions').addColumn('requester', 'text').execute();
  await db.schema
    .createIndex('interactions_requester')
    .on('interactions')
    .columns(['requester', 'expires_at'])
    .execute();
  // Apps an operator vouches for; until now the CLI created clients with no owner as "console".
  await db.schema
    .alterTable('clients')
    .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // The hourly SMS budget counts every node's text messages.
  await db.schema
    .createIndex('otp_challenges_channel')
    .on('otp_challenges')
    .columns(['channel', 'created_at'])
    .execute();
  await sql`UPDATE clients SET verified = 1 WHERE registered_via IN ('cli', 'console') AND owner_user_id IS NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('clients').dropColumn('verified').execute();
  await db.schema.dropIndex('otp_challenges_channel').execute();
  await db.schema.dropIndex('interactions_requester').execute();
  await db.schema.alterTable('interactions').dropColumn('requester').execute();
  await db.schema.dropIndex('authorization_codes_grant').execute();
}
