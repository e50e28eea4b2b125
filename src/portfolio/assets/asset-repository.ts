import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioAssetsTable } from '../../kernel/db/schema.ts';
import { assetId, type AssetRef } from './asset-ref.ts';

export type StoredAsset = PortfolioAssetsTable;

/** Assets are shared by everyone and never change once known; inserts are idempotent. */
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
}
