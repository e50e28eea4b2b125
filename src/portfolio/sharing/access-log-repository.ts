import type { Db } from '../../kernel/db/database.ts';

/** One Platform API request an app made for a person. */
export interface AccessEntry {
  id: string;
  userId: string;
  clientId: string;
  /** Method and route, e.g. `GET /platform/v2/assets`. */
  endpoint: string;
  items: number;
  at: number;
}

/** Where a page of entries continues: below this (at, id). */
export interface AccessCursor {
  at: number;
  id: string;
}

/** portfolio_access_log: written in batches, read per person and app, newest first. */
export class AccessLogRepository {
  constructor(private readonly db: Db) {}

  async insertMany(entries: AccessEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.db
      .insertInto('portfolio_access_log')
      .values(
        entries.map((e) => ({
          id: e.id,
          user_id: e.userId,
          client_id: e.clientId,
          endpoint: e.endpoint,
          items: e.items,
          at: e.at,
        })),
      )
      .execute();
  }

  /** The app's entries for the person, newest first, below `before` when given. */
  async page(userId: string, clientId: string, limit: number, before?: AccessCursor): Promise<AccessEntry[]> {
    let query = this.db
      .selectFrom('portfolio_access_log')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId);
    if (before)
      query = query.where((eb) =>
        eb.or([eb('at', '<', before.at), eb.and([eb('at', '=', before.at), eb('id', '<', before.id)])]),
      );
    const rows = await query.orderBy('at', 'desc').orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      clientId: r.client_id,
      endpoint: r.endpoint,
      items: Number(r.items),
      at: Number(r.at),
    }));
  }

  async count(userId: string, clientId: string): Promise<number> {
    const row = await this.db
      .selectFrom('portfolio_access_log')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Deletes at most `limit` entries older than `cutoff`; answers how many went. */
  async deleteOlderThan(cutoff: number, limit: number): Promise<number> {
    const doomed = this.db.selectFrom('portfolio_access_log').select('id').where('at', '<', cutoff).limit(limit);
    const result = await this.db.deleteFrom('portfolio_access_log').where('id', 'in', doomed).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteForClient(clientId: string): Promise<void> {
    await this.db.deleteFrom('portfolio_access_log').where('client_id', '=', clientId).execute();
  }
}
