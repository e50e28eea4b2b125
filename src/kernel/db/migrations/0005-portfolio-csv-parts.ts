import type { Kysely } from 'kysely';

/**
 * A CSV import's file, sealed, in parts of 256 KiB: storing or reading a 13 MB value in one
 * statement held the event loop for ~100 ms (SQLite is synchronous); a part costs ~2 ms.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_csv_parts')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('portfolio_connections.id').onDelete('cascade'))
    .addColumn('part', 'integer', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_csv_parts_pk', ['connection_id', 'part'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portfolio_csv_parts').ifExists().execute();
}
