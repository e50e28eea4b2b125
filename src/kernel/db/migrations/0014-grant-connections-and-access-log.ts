import type { Kysely } from 'kysely';

/**
 * Which linked accounts each app may see, and what each app read.
 *
 * A choice is a row in `portfolio_app_choices` (the person chose, for this app) plus one row per
 * connection shared in `portfolio_app_connections`; no choice row means the app was let in
 * before people could choose, and it sees every connection. A choice with no connection rows
 * shares nothing. Both go with the person, the app or (for a shared connection) the connection.
 *
 * `portfolio_access_log` has no foreign keys: entries are written in batches after the answer,
 * and one for an app deleted a moment before must not fail the others. The portfolio deletes an
 * app's entries when the app is deleted, and the janitor every entry older than 90 days.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_app_choices')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull().references('clients.id').onDelete('cascade'))
    .addColumn('chosen_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_app_choices_pk', ['user_id', 'client_id'])
    .execute();
  await db.schema
    .createTable('portfolio_app_connections')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('portfolio_connections.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('portfolio_app_connections_pk', ['user_id', 'client_id', 'connection_id'])
    .addForeignKeyConstraint(
      'portfolio_app_connections_choice',
      ['user_id', 'client_id'],
      'portfolio_app_choices',
      ['user_id', 'client_id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute();
  await db.schema
    .createIndex('portfolio_app_connections_connection')
    .on('portfolio_app_connections')
    .column('connection_id')
    .execute();

  await db.schema
    .createTable('portfolio_access_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('items', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('portfolio_access_log_app')
    .on('portfolio_access_log')
    .columns(['user_id', 'client_id', 'at'])
    .execute();
  await db.schema.createIndex('portfolio_access_log_at').on('portfolio_access_log').column('at').execute();
  await db.schema.createIndex('portfolio_access_log_client').on('portfolio_access_log').column('client_id').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portfolio_access_log').ifExists().execute();
  await db.schema.dropTable('portfolio_app_connections').ifExists().execute();
  await db.schema.dropTable('portfolio_app_choices').ifExists().execute();
}
