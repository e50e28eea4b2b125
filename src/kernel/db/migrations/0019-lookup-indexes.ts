import { sql, type Kysely } from 'kysely';

/**
 * Indexes for lookups that read a whole table (test/db/lookup-indexes.test.ts), found by tracing
 * every statement the test suite runs and asking the planner about each:
 * - token_families by client: deleting a client cascades to its families, and without an index
 *   the database reads every family of every client to find them (per deleted client).
 * - clients by owner: a developer's console lists their apps (dynamic registration lets anyone
 *   add clients), and deleting an account cascades to the apps it owns.
 * - portfolio_connections by pending OAuth state: an exchange's OAuth callback finds its link.
 * - portfolio_connections by last update: the Connect widget's provider status (last hour's syncs).
 * - scheduling_event_types by schedule: saving or deleting a schedule checks the event types
 *   that use it (its foreign key), which read every host's event types.
 * Building them reads each table once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('token_families_client').on('token_families').column('client_id').execute();
  await db.schema.createIndex('clients_owner').on('clients').column('owner_user_id').execute();
  await sql`create index portfolio_connections_oauth_state on portfolio_connections (oauth_state_hash) where oauth_state_hash is not null`.execute(
    db,
  );
  await db.schema
    .createIndex('portfolio_connections_updated')
    .on('portfolio_connections')
    .column('updated_at')
    .execute();
  await db.schema
    .createIndex('scheduling_event_types_schedule')
    .on('scheduling_event_types')
    .column('schedule_id')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('scheduling_event_types_schedule').execute();
  await db.schema.dropIndex('portfolio_connections_updated').execute();
  await db.schema.dropIndex('portfolio_connections_oauth_state').execute();
  await db.schema.dropIndex('clients_owner').execute();
  await db.schema.dropIndex('token_families_client').execute();
}
