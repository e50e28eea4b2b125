import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { TransactionRepository, type TransactionRow } from '../../src/portfolio/ledger/transaction-repository.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';

describe.each(testDialects())('upserting transactions in chunks (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  async function setup() {
    const fresh = await freshDatabaseUrl(dialect);
    const handle = openDatabase(fresh.url);
    cleanups.push(fresh.drop, () => handle.close());
    const db = handle.db;
    await migrateToLatest(db);
    await db.insertInto('users').values({ id: 'u', email: 'u@example.com', created_at: 1, updated_at: 1 }).execute();
    await db
      .insertInto('portfolio_connections')
      .values({
        id: 'c',
        user_id: 'u',
        provider_id: 'ethereum',
        auth_type: 'wallet',
        display_label: 'w',
        identity_key: 'k',
        status: 'connected',
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    return { db, transactions: new TransactionRepository(db) };
  }

  const row = (n: number, category = 'transfer'): TransactionRow => ({
    id: `t${String(n).padStart(6, '0')}`,
    user_id: 'u',
    connection_id: 'c',
    provider_id: 'ethereum',
    external_id: `1:0x${n.toString(16).padStart(64, '0')}`,
    timestamp: 1_700_000_000_000 + n,
    status: n % 7 === 0 ? 'failed' : 'confirmed',
    type: 'deposit',
    category,
    categorization_source: 'heuristic',
    is_internal_transfer: n % 5 === 0 ? 1 : 0,
    is_spam: n % 11 === 0 ? 1 : 0,
    tx_hash: n % 3 === 0 ? null : `0x${n.toString(16).padStart(64, '0')}`,
    chain: n % 3 === 0 ? null : 'ethereum',
    description: n % 2 === 0 ? `row ${n}` : null,
    legs: JSON.stringify({ i: [{ a: 'evm:1/native', q: String(n) }], o: [], f: [] }),
    symbols: '|ETH|',
    needs_pricing: n % 2,
    updated_at: 1_700_000_000_000,
  });

  it('stores every column of every row, whatever the chunk sizes, and updates on a second pass keeping ids', async () => {
    const { db, transactions } = await setup();
    // 1,300 rows: chunks of 512, 512, 256, 16 and 4.
    const rows = Array.from({ length: 1300 }, (_, n) => row(n));
    await transactions.upsertMany(rows);
    const stored = await db.selectFrom('portfolio_transactions').selectAll().orderBy('id').execute();
    expect(stored).toEqual(rows);

    // The same external ids under new ids and a new category: the rows keep their first ids.
    const again = rows.slice(0, 700).map((r, n) => ({ ...row(n, 'trade'), id: `new${n}` }));
    await db.transaction().execute((trx) => transactions.upsertMany(again, trx));
    const updated = await db.selectFrom('portfolio_transactions').selectAll().orderBy('id').execute();
    expect(updated).toHaveLength(1300);
    expect(updated.filter((r) => r.category === 'trade').map((r) => r.id)).toEqual(rows.slice(0, 700).map((r) => r.id));
    expect(updated.slice(700)).toEqual(rows.slice(700));
  });

  it('writes one row, and nothing for none', async () => {
    const { db, transactions } = await setup();
    await transactions.upsertMany([]);
    await transactions.upsertMany([row(42)]);
    expect(await db.selectFrom('portfolio_transactions').selectAll().execute()).toEqual([row(42)]);
  });
});
