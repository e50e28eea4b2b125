import { sql, type Kysely } from 'kysely';

/**
 * The price source's coins list (CoinGecko's /coins/list with platforms), shared by every node:
 * exchange symbols are mapped to coin ids through it. One row per coin, looked up by symbol; the
 * list's own row says when it was fetched and when a node last tried, so nodes refresh it at
 * most once a day between them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_coins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('platforms', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('portfolio_coins_symbol').on('portfolio_coins').column('symbol').execute();

  await db.schema
    .createTable('portfolio_coin_list')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('fetched_at', 'bigint')
    .addColumn('attempted_at', 'bigint', (c) => c.notNull())
    .addColumn('coins', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into portfolio_coin_list (source, fetched_at, attempted_at, coins) values ('coingecko', null, 0, 0)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('portfolio_coin_list').ifExists().execute();
  await db.schema.dropTable('portfolio_coins').ifExists().execute();
}
