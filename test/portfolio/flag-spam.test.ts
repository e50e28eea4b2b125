import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/kernel/db/database.ts';
import { migrateToLatest } from '../../src/kernel/db/migrate.ts';
import { TestClock } from '../helpers/test-clock.ts';
import type { AssetRef } from '../../src/portfolio/assets/asset-ref.ts';
import { AssetRepository } from '../../src/portfolio/assets/asset-repository.ts';
import { SpamList } from '../../src/portfolio/assets/spam-list.ts';
import { SpamRepository } from '../../src/portfolio/assets/spam-repository.ts';
import { PositionRepository } from '../../src/portfolio/ledger/position-repository.ts';
import { TransactionRepository } from '../../src/portfolio/ledger/transaction-repository.ts';
import { PriceRepository } from '../../src/portfolio/prices/price-repository.ts';
import { PriceService } from '../../src/portfolio/prices/price-service.ts';
import { flagSpam } from '../../src/portfolio/sync/flag-spam.ts';
import { toTransactionRow } from '../../src/portfolio/sync/stage-transactions.ts';
import { tokenActivity } from '../../src/portfolio/sync/token-activity.ts';
import { freshDatabaseUrl, testDialects } from '../helpers/database.ts';

describe.each(testDialects())('spam verdicts and the transactions they mark (%s)', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  const token = (n: number, name: string): AssetRef => {
    const contract = `0x${String(n).padStart(40, '0')}`;
    return {
      namespace: 'evm:1',
      reference: contract,
      symbol: `T${n}`,
      name,
      decimals: 18,
      chain: 'ethereum',
      contractAddress: contract,
      groupKey: `evm:1/${contract}`,
    };
  };
  const bait = token(1, 'Claim at bait-drop.com');
  /** Priced: an airdrop of it is no spam. */
  const plain = { ...token(2, 'Plain Token'), priceKey: 'coin:plain' };

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
    const clock = new TestClock(1_000);
    const assets = new AssetRepository(db);
    await assets.ensure([bait, plain], 1);
    await new PriceRepository(db).saveCurrent([{ key: 'coin:plain', price: '1' }], 'USD', 'test', 1);
    const deps = {
      spam: new SpamRepository(db),
      spamList: SpamList.load(),
      assets,
      positions: new PositionRepository(db),
      transactions: new TransactionRepository(db),
      prices: new PriceService({
        source: { name: 'none', current: async () => new Map(), history: async () => [] },
        repo: new PriceRepository(db),
        clock,
        cacheMs: 60_000,
      }),
      clock,
    };
    const connection = { id: 'c', userId: 'u', providerId: 'ethereum' };
    /** Stores one received transfer of `asset` and its facts, marked with the verdicts given (as a sync staging it would). */
    const receive = async (externalId: string, asset: AssetRef, staged: ReadonlySet<string>) => {
      const tx = {
        externalId,
        timestamp: clock.now(),
        status: 'confirmed' as const,
        category: 'transfer' as const,
        categorizationSource: 'heuristic' as const,
        inputs: [{ asset, quantity: 1n }],
        outputs: [],
        fees: [],
      };
      await deps.transactions.upsertMany([toTransactionRow(connection, tx, clock.now(), new Set(), staged)]);
      await deps.spam.recordActivity('c', 'u', tokenActivity([tx]));
    };
    const marks = async () =>
      Object.fromEntries(
        (await db.selectFrom('portfolio_transactions').select(['external_id', 'is_spam']).execute()).map((r) => [
          r.external_id,
          r.is_spam,
        ]),
      );
    return { db, deps, clock, receive, marks };
  }

  it('marks the transactions of a token when its verdict changes, and unmarks them when it clears', async () => {
    const { db, deps, receive, marks } = await setup();
    await receive('a', bait, new Set());
    await receive('b', plain, new Set());
    const first = await flagSpam(deps, 'u', { askPrices: false });
    expect(first.flagged).toEqual([`evm:1/${bait.reference}`]);
    expect(await marks()).toEqual({ a: 1, b: 0 });

    // A site in the name is forgiven once the price source lists the token.
    await deps.assets.setMissingPriceKeys([{ id: `evm:1/${bait.reference}`, priceKey: 'coin:bait' }]);
    await new PriceRepository(db).saveCurrent([{ key: 'coin:bait', price: '0.01' }], 'USD', 'test', 1);
    const second = await flagSpam(deps, 'u', { askPrices: false });
    expect(second.cleared).toEqual([`evm:1/${bait.reference}`]);
    expect(await marks()).toEqual({ a: 0, b: 0 });
  });

  it("re-marks a sync's own transactions when another sync changed a verdict while it staged them", async () => {
    const { deps, clock, receive, marks } = await setup();
    await flagSpam(deps, 'u', { askPrices: false }); // nothing yet: no verdicts
    // A sync starts with no verdicts…
    const since = clock.now();
    const stagedSpam = new Set<string>();
    // …another sync flags the bait token meanwhile (its own transaction, marked by it)…
    await receive('other', bait, new Set());
    await flagSpam(deps, 'u', { askPrices: false });
    expect(await marks()).toEqual({ other: 1 });
    // …and the first one stores a transfer of it, marked with the verdicts it started with.
    clock.advance(10);
    await receive('mine', bait, stagedSpam);
    expect(await marks()).toEqual({ other: 1, mine: 0 });

    await flagSpam(deps, 'u', { askPrices: false, written: { connectionId: 'c', since, stagedSpam } });
    expect(await marks()).toEqual({ other: 1, mine: 1 });
  });
});
