import type { Db } from '../../kernel/db/database.ts';
import type { ClientsTable } from '../../kernel/db/schema.ts';
import { LookupCache } from '../../kernel/lookup-cache.ts';
import { clientFromRow, type Client } from './client.ts';

/**
 * Clients, with lookups by id cached for `cacheMs` — every token request starts with one. A
 * change made on this node clears the entry at once; other nodes see it within `cacheMs`.
 */
export class ClientRepository {
  private readonly cache: LookupCache<Client | undefined>;

  constructor(
    private readonly db: Db,
    cacheMs = 0,
    now: () => number = Date.now,
  ) {
    this.cache = new LookupCache(cacheMs, now);
  }

  async findById(id: string): Promise<Client | undefined> {
    return this.cache.lookup(id, async () => {
      const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
      return row && clientFromRow(row);
    });
  }

  async list(ownerUserId?: string): Promise<Client[]> {
    let query = this.db.selectFrom('clients').selectAll().orderBy('created_at');
    if (ownerUserId) query = query.where('owner_user_id', '=', ownerUserId);
    return (await query.execute()).map(clientFromRow);
  }

  async insert(row: ClientsTable): Promise<void> {
    await this.cache.change(row.id, () => this.db.insertInto('clients').values(row).execute());
  }

  async update(id: string, changes: Partial<ClientsTable>): Promise<void> {
    await this.cache.change(id, () => this.db.updateTable('clients').set(changes).where('id', '=', id).execute());
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.cache.change(id, () =>
      this.db.deleteFrom('clients').where('id', '=', id).executeTakeFirst(),
    );
    return Number(result.numDeletedRows) > 0;
  }
}
