import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioAssetsTable } from '../../kernel/db/schema.ts';
import { assetId, type AssetRef } from './asset-ref.ts';

export type StoredAsset = PortfolioAssetsTable;

/**
 * Assets are shared by everyone; inserts are idempotent. An asset never changes once known, but
 * for the one step of gaining a price key it was stored without (an exchange symbol later mapped
 * to a coin); a key, once set, is never replaced.
 */
export class AssetRepository {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensure(assets: AssetRef[], now: number): Promise<void> {
    const fresh = new Map<string, AssetRef>();
    for (const asset of new Set(assets)) {
      const id = assetId(asset);
      if (!this.known.has(id)) fresh.set(id, asset);
    }
    if (fresh.size === 0) return;
    const rows = [...fresh].map(([id, a]) => ({
      id,
      namespace: a.namespace,
      reference: a.reference,
      symbol: a.symbol,
      name: a.name ?? null,
      decimals: a.decimals,
      chain: a.chain ?? null,
      contract_address: a.contractAddress ?? null,
      price_key: a.priceKey ?? null,
      group_key: a.groupKey,
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500) {
      await this.db
        .insertInto('portfolio_assets')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
    for (const id of fresh.keys()) this.known.add(id);
  }

  async findMany(ids: string[]): Promise<Map<string, StoredAsset>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('portfolio_assets')
      .selectAll()
      .where('id', 'in', [...new Set(ids)])
      .execute();
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** Which of these assets, stored without a price key in their reference, have gained one since. */
  async keyedSince(assets: AssetRef[]): Promise<Set<string>> {
    const ids = [...new Set(assets.filter((a) => !a.priceKey).map(assetId))];
    const keyed = new Set<string>();
    for (let i = 0; i < ids.length; i += 500) {
      const rows = await this.db
        .selectFrom('portfolio_assets')
        .select('id')
        .where('id', 'in', ids.slice(i, i + 500))
        .where('price_key', 'is not', null)
        .execute();
      for (const r of rows) keyed.add(r.id);
    }
    return keyed;
  }

  /** The assets of a namespace that have no price key yet. */
  async unkeyedIn(namespace: string): Promise<Array<Pick<StoredAsset, 'id' | 'reference'>>> {
    return this.db
      .selectFrom('portfolio_assets')
      .select(['id', 'reference'])
      .where('namespace', '=', namespace)
      .where('price_key', 'is', null)
      .execute();
  }

  /** Sets each asset's price key unless it has one (another node may have been first); returns the ids set here. */
  async setMissingPriceKeys(entries: Array<{ id: string; priceKey: string }>): Promise<string[]> {
    const set: string[] = [];
    for (const entry of entries) {
      const result = await this.db
        .updateTable('portfolio_assets')
        .set({ price_key: entry.priceKey })
        .where('id', '=', entry.id)
        .where('price_key', 'is', null)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) set.push(entry.id);
    }
    return set;
  }
}
