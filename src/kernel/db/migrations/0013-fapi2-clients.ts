import { sql, type Kysely } from 'kysely';

/**
 * FAPI 2.0 clients and the last pieces of DPoP: a client's `fapi2` flag, its
 * `dpop_bound_access_tokens` as a column (until now only in DCR metadata, so the console could
 * not set it), the key an authorization code is bound to (`dpop_jkt`, RFC 9449 §10), and the
 * sign-in session of a token family, so an ID token issued at a refresh carries `sid` too.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const column of ['fapi2', 'dpop_bound_access_tokens'])
    await db.schema
      .alterTable('clients')
      .addColumn(column, 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  // DCR registrations kept the flag in their metadata JSON: carry it over.
  const registered = await sql<{ id: string; metadata: string }>`
    select id, metadata from clients where metadata like ${'%dpop_bound_access_tokens%'}`.execute(db);
  for (const row of registered.rows) {
    const metadata = JSON.parse(row.metadata) as { dpop_bound_access_tokens?: unknown };
    if (metadata.dpop_bound_access_tokens === true)
      await sql`update clients set dpop_bound_access_tokens = 1 where id = ${row.id}`.execute(db);
  }
  await db.schema.alterTable('authorization_codes').addColumn('dpop_jkt', 'text').execute();
  await db.schema.alterTable('token_families').addColumn('session_id', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('token_families').dropColumn('session_id').execute();
  await db.schema.alterTable('authorization_codes').dropColumn('dpop_jkt').execute();
  for (const column of ['dpop_bound_access_tokens', 'fapi2'])
    await db.schema.alterTable('clients').dropColumn(column).execute();
}
