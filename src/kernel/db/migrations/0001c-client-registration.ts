import type { Kysely } from 'kysely';

/** What dynamic registration (RFC 7591/7592) and client ID metadata documents need to remember. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('clients')
    .addColumn('registered_via', 'text', (c) => c.notNull().defaultTo('console'))
    .execute();
  await db.schema
    .alterTable('clients')
    .addColumn('application_type', 'text', (c) => c.notNull().defaultTo('web'))
    .execute();
  await db.schema.alterTable('clients').addColumn('token_endpoint_auth_method', 'text').execute();
  await db.schema.alterTable('clients').addColumn('registration_token_hash', 'text').execute();
  await db.schema.alterTable('clients').addColumn('metadata', 'text').execute();
  await db.schema.alterTable('clients').addColumn('metadata_expires_at', 'bigint').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of [
    'metadata_expires_at',
    'metadata',
    'registration_token_hash',
    'token_endpoint_auth_method',
    'application_type',
    'registered_via',
  ]) {
    await db.schema.alterTable('clients').dropColumn(column).execute();
  }
}
