import type { Kysely } from 'kysely';

/**
 * Logout (OIDC RP-Initiated and Back-Channel Logout 1.0): the clients' logout metadata, the
 * sign-in session an authorization code was issued in (its ID token's `sid`), and which clients
 * authenticated the person in each session, so that ending the session reaches them. No foreign
 * key to `sessions`: the rows are read after the session is deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('clients')
    .addColumn('post_logout_redirect_uris', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema.alterTable('clients').addColumn('backchannel_logout_uri', 'text').execute();
  await db.schema
    .alterTable('clients')
    .addColumn('backchannel_logout_session_required', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('authorization_codes').addColumn('session_id', 'text').execute();
  await db.schema
    .createTable('session_clients')
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('session_clients_pk', ['session_id', 'client_id'])
    .execute();
  // The janitor drops rows of sessions that ended without a sign-out (expired).
  await db.schema.createIndex('session_clients_created').on('session_clients').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('session_clients').ifExists().execute();
  await db.schema.alterTable('authorization_codes').dropColumn('session_id').execute();
  await db.schema.alterTable('clients').dropColumn('backchannel_logout_session_required').execute();
  await db.schema.alterTable('clients').dropColumn('backchannel_logout_uri').execute();
  await db.schema.alterTable('clients').dropColumn('post_logout_redirect_uris').execute();
}
