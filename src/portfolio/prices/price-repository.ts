import type { Db } from '../../kernel/db/database.ts';

export interface CachedPrice {
  price: string | null;
  source: string;
  fetchedAt: number;
}

/** The price cache in the database, shared by every node: current prices and history points. */
export class PriceRepository {
  constructor(private readonly db: Db) {}

  async current(keys: string[], currency: string): Promise<Map<string, CachedPrice>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db
      .selectFrom('portfolio_current_prices')
      .selectAll()
      .where('currency', '=', currency)
      .where('price_key', 'in', keys)
      .execute();
    return new Map(rows.map((r) => [r.price_key, { price: r.price, source: r.source, fetchedAt: r.fetched_at }]));
  }

  async saveCurrent(
    entries: Array<{ key: string; price: string | null }>,
    currency: string,
    source: string,
    now: number,
  ): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('portfolio_current_prices')
      .values(entries.map((e) => ({ price_key: e.key, currency, price: e.price, source, fetched_at: now })))
      .onConflict((oc) =>
        oc.columns(['price_key', 'currency']).doUpdateSet((eb) => ({
          price: eb.ref('excluded.price'),
          source: eb.ref('excluded.source'),
          fetched_at: eb.ref('excluded.fetched_at'),
        })),
      )
      .execute();
  }

  async savePoints(
    key: string,
    currency: string,
    source: string,
    points: Array<{ at: number; price: string }>,
    now: number,
  ): Promise<void> {
    for (let i = 0; i < points.length; i += 500) {
      await this.db
        .insertInto('portfolio_prices')
        .values(
          points
            .slice(i, i + 500)
            .map((p) => ({ price_key: key, currency, at: p.at, price: p.price, source, fetched_at: now })),
        )
        .onConflict((oc) => oc.columns(['price_key', 'currency', 'at']).doNothing())
        .execute();
    }
  }

  /** Points of one key inside [from, to], oldest first. */
  async points(
    key: string,
    currency: string,
    from: number,
    to: number,
  ): Promise<Array<{ at: number; price: string; source: string }>> {
    const rows = await this.db
      .selectFrom('portfolio_prices')
      .select(['at', 'price', 'source'])
      .where('price_key', '=', key)
      .where('currency', '=', currency)
      .where('at', '>=', from)
      .where('at', '<=', to)
      .orderBy('at')
      .execute();
    return rows;
  }
}
