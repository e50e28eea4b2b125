import type { Db } from '../../kernel/db/database.ts';
import type { PortfolioAssetsTable } from '../../kernel/db/schema.ts';

export interface PositionRow {
  connection_id: string;
  asset_id: string;
  quantity: string;
  updated_at: number;
}

export type PositionWithAsset = PositionRow & {
  asset: PortfolioAssetsTable;
  provider_id: string;
  /** The asset is spam for the person holding it. */
  spam: boolean;
};

/** Balances per connection and asset, replaced whole on every balance sync. */
export class PositionRepository {
  constructor(private readonly db: Db) {}

  async replaceForConnection(
    connectionId: string,
    userId: string,
    positions: Array<{ assetId: string; quantity: bigint }>,
    now: number,
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('portfolio_positions').where('connection_id', '=', connectionId).execute();
      const rows = positions
        .filter((p) => p.quantity !== 0n)
        .map((p) => ({
          connection_id: connectionId,
          asset_id: p.assetId,
          user_id: userId,
          quantity: p.quantity.toString(),
          updated_at: now,
        }));
      for (let i = 0; i < rows.length; i += 500)
        await trx
          .insertInto('portfolio_positions')
          .values(rows.slice(i, i + 500))
          .execute();
    });
  }

  /**
   * The person's positions fetched within the window, with their assets, providers and spam
   * verdicts; only those of `connectionIds` when given (an app's share of the person's accounts).
   */
  async listForUser(
    userId: string,
    window: { startTime?: number; endTime?: number },
    providerIds?: string[],
    connectionIds?: string[],
  ): Promise<PositionWithAsset[]> {
    if (connectionIds?.length === 0) return [];
    let query = this.db
      .selectFrom('portfolio_positions as p')
      .innerJoin('portfolio_assets as a', 'a.id', 'p.asset_id')
      .innerJoin('portfolio_connections as c', 'c.id', 'p.connection_id')
      .leftJoin('portfolio_spam_assets as s', (join) =>
        join.onRef('s.user_id', '=', 'p.user_id').onRef('s.asset_id', '=', 'p.asset_id'),
      )
      .select(['p.connection_id', 'p.asset_id', 'p.quantity', 'p.updated_at', 'c.provider_id', 's.reason as spam'])
      .select([
        'a.id',
        'a.namespace',
        'a.reference',
        'a.symbol',
        'a.name',
        'a.decimals',
        'a.chain',
        'a.contract_address',
        'a.price_key',
        'a.group_key',
        'a.created_at',
      ])
      .where('p.user_id', '=', userId);
    if (window.startTime !== undefined) query = query.where('p.updated_at', '>=', window.startTime);
    if (window.endTime !== undefined) query = query.where('p.updated_at', '<=', window.endTime);
    if (providerIds?.length) query = query.where('c.provider_id', 'in', providerIds);
    if (connectionIds) query = query.where('p.connection_id', 'in', connectionIds);
    const rows = await query.execute();
    return rows.map((r) => ({
      connection_id: r.connection_id,
      asset_id: r.asset_id,
      quantity: r.quantity,
      updated_at: r.updated_at,
      provider_id: r.provider_id,
      spam: r.spam !== null,
      asset: {
        id: r.id,
        namespace: r.namespace,
        reference: r.reference,
        symbol: r.symbol,
        name: r.name,
        decimals: r.decimals,
        chain: r.chain,
        contract_address: r.contract_address,
        price_key: r.price_key,
        group_key: r.group_key,
        created_at: r.created_at,
      },
    }));
  }
}
