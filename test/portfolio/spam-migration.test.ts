import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import * as spamMigration from '../../src/kernel/db/migrations/0007-portfolio-spam.ts';
import { toTransactionRow } from '../../src/portfolio/sync/stage-transactions.ts';
import type { AssetRef } from '../../src/portfolio/assets/asset-ref.ts';
import type { NormalizedTransaction } from '../../src/portfolio/ledger/normalized.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';

describe.each(testDialects())('migration 0007 rebuilds the token facts of stored history (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const asset = (reference: string, symbol: string, contract?: string): AssetRef => ({
    namespace: 'evm:1',
    reference,
    symbol,
    decimals: 18,
    chain: 'ethereum',
    ...(contract ? { contractAddress: contract } : {}),
    groupKey: `evm:1/${reference}`,
  });
  const eth = asset('native', 'ETH');
  const drop = asset('0x' + '1'.repeat(40), 'DROP', '0x' + '1'.repeat(40));
  const swapped = asset('0x' + '2'.repeat(40), 'SWP', '0x' + '2'.repeat(40));

  it('marks airdrops unsolicited and what the wallet sent or swapped for solicited', async () => {
    const fresh = await freshDatabaseUrl(dialect);
    const handle: DatabaseHandle = openDatabase(fresh.url);
    cleanups.push(fresh.drop, () => handle.close());
    const db = handle.db;
    await migrateToLatest(db);
    // Back to the schema before 0007, with history stored the way syncs stored it then.
    await spamMigration.down(db as unknown as Kysely<unknown>);
    await db.insertInto('users').values({ id: 'u1', email: 'u1@example.com', created_at: 1, updated_at: 1 }).execute();
    await db
      .insertInto('portfolio_connections')
      .values({
        id: 'c1',
        user_id: 'u1',
        provider_id: 'ethereum',
        auth_type: 'wallet',
        display_label: 'w',
        identity_key: 'k',
        status: 'connected',
        created_at: 1,
        updated_at: 1,
      })
      .execute();
    await db
      .insertInto('portfolio_assets')
      .values(
        [eth, drop, swapped].map((a) => ({
          id: `${a.namespace}/${a.reference}`,
          namespace: a.namespace,
          reference: a.reference,
          symbol: a.symbol,
          decimals: 18,
          chain: 'ethereum',
          contract_address: a.contractAddress ?? null,
          group_key: a.groupKey,
          created_at: 1,
        })),
      )
      .execute();
    const connection = { id: 'c1', userId: 'u1', providerId: 'ethereum' };
    const base = { status: 'confirmed', category: 'transfer', categorizationSource: 'heuristic', fees: [] } as Pick<
      NormalizedTransaction,
      'status' | 'category' | 'categorizationSource' | 'fees'
    >;
    await db
      .insertInto('portfolio_transactions')
      .values([
        // Someone else sent DROP and ETH: an airdrop (ETH, a native coin, is no token).
        toTransactionRow(
          connection,
          {
            ...base,
            externalId: 'a',
            timestamp: 1,
            inputs: [
              { asset: drop, quantity: 5n },
              { asset: eth, quantity: 1n },
            ],
            outputs: [],
          },
          1,
        ),
        // The wallet sent a swap: SWP came in for ETH.
        toTransactionRow(
          connection,
          {
            ...base,
            externalId: 'b',
            timestamp: 2,
            inputs: [{ asset: swapped, quantity: 5n }],
            outputs: [{ asset: eth, quantity: 1n }],
            fees: [{ asset: eth, quantity: 1n, kind: 'network' }],
          },
          2,
        ),
      ])
      .execute();

    await spamMigration.up(db as unknown as Kysely<unknown>);
    const facts = await db.selectFrom('portfolio_token_activity').selectAll().orderBy('asset_id').execute();
    expect(facts).toEqual([
      { connection_id: 'c1', asset_id: `evm:1/${drop.reference}`, user_id: 'u1', unsolicited: 1, solicited: 0 },
      { connection_id: 'c1', asset_id: `evm:1/${swapped.reference}`, user_id: 'u1', unsolicited: 0, solicited: 1 },
    ]);
    expect(await db.selectFrom('portfolio_spam_assets').selectAll().execute()).toEqual([]);
  });
});
