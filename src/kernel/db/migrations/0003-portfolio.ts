import { sql, type Kysely } from 'kysely';

/**
 * The portfolio product: a person's connections (credentials sealed), the assets they hold or
 * moved, positions per connection, normalized transactions (legs as JSON), refresh requests and
 * the price cache. Base-unit amounts are decimal text: 18-decimal quantities overflow int64.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('portfolio_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('auth_type', 'text', (c) => c.notNull())
    .addColumn('display_label', 'text', (c) => c.notNull())
    .addColumn('identity_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('tx_cursor', 'text')
    .addColumn('oauth_state_hash', 'text')
    .addColumn('last_refreshed_at', 'bigint')
    .addColumn('last_refresh_requested_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('portfolio_connections_identity', ['user_id', 'provider_id', 'identity_key'])
    .execute();

  // Sealed credentials apart from the connection row: a CSV can be megabytes, and SQLite would
  // walk its overflow pages to reach every column stored after it.
  await db.schema
    .createTable('portfolio_credentials')
    .addColumn('connection_id', 'text', (c) =>
      c.primaryKey().references('portfolio_connections.id').onDelete('cascade'),
    )
    .addColumn('sealed', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('portfolio_assets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('symbol', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('decimals', 'integer', (c) => c.notNull())
    .addColumn('chain', 'text')
    .addColumn('contract_address', 'text')
    .addColumn('price_key', 'text')
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('portfolio_assets_identity', ['namespace', 'reference'])
    .execute();

  await db.schema
    .createTable('portfolio_positions')
    .addColumn('connection_id', 'text', (c) => c.notNull().references('portfolio_connections.id').onDelete('cascade'))
    .addColumn('asset_id', 'text', (c) => c.notNull().references('portfolio_assets.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_positions_pk', ['connection_id', 'asset_id'])
    .execute();
  await db.schema
    .createIndex('portfolio_positions_user')
    .on('portfolio_positions')
    .columns(['user_id', 'updated_at'])
    .execute();

  await db.schema
    .createTable('portfolio_transactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull().references('portfolio_connections.id').onDelete('cascade'))
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('categorization_source', 'text', (c) => c.notNull())
    .addColumn('is_internal_transfer', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('is_spam', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tx_hash', 'text')
    .addColumn('chain', 'text')
    .addColumn('description', 'text')
    .addColumn('legs', 'text', (c) => c.notNull())
    .addColumn('symbols', 'text', (c) => c.notNull())
    .addColumn('needs_pricing', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('portfolio_transactions_external', ['connection_id', 'external_id'])
    .execute();
  // Keyset paging: newest first, ties broken by id.
  await db.schema
    .createIndex('portfolio_transactions_page')
    .on('portfolio_transactions')
    .columns(['user_id', 'timestamp', 'id'])
    .execute();
  await sql`create index portfolio_transactions_hash on portfolio_transactions (user_id, chain, tx_hash) where tx_hash is not null`.execute(
    db,
  );
  await sql`create index portfolio_transactions_unpriced on portfolio_transactions (connection_id) where needs_pricing = 1`.execute(
    db,
  );

  await db.schema
    .createTable('portfolio_refreshes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('portfolio_refresh_connections')
    .addColumn('refresh_id', 'text', (c) => c.notNull().references('portfolio_refreshes.id').onDelete('cascade'))
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('provider_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_refresh_connections_pk', ['refresh_id', 'connection_id'])
    .execute();
  await db.schema
    .createIndex('portfolio_refresh_connections_conn')
    .on('portfolio_refresh_connections')
    .columns(['connection_id', 'status'])
    .execute();

  await db.schema
    .createTable('portfolio_prices')
    .addColumn('price_key', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('price', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_prices_pk', ['price_key', 'currency', 'at'])
    .execute();
  await db.schema
    .createTable('portfolio_current_prices')
    .addColumn('price_key', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('price', 'text')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('fetched_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_current_prices_pk', ['price_key', 'currency'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'portfolio_current_prices',
    'portfolio_prices',
    'portfolio_refresh_connections',
    'portfolio_refreshes',
    'portfolio_transactions',
    'portfolio_positions',
    'portfolio_assets',
    'portfolio_credentials',
    'portfolio_connections',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
