import type { Kysely } from 'kysely';

/** DPoP (RFC 9449): a public client's refresh tokens are bound to its key; proofs seen (PostgreSQL without Redis). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('refresh_tokens').addColumn('dpop_jkt', 'text').execute();
  await db.schema
    .createTable('dpop_proofs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('dpop_proofs_expires').on('dpop_proofs').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('dpop_proofs').execute();
  await db.schema.alterTable('refresh_tokens').dropColumn('dpop_jkt').execute();
}
