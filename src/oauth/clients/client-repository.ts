import type { Db } from '../../kernel/db/database.ts';
import type { ClientsTable } from '../../kernel/db/schema.ts';
import { clientFromRow, type Client } from './client.ts';

/**
 * Clients, with lookups by id cached for `cacheMs` — every token request starts with one. A
 * change made on this node clears the entry at once; other nodes see it within `cacheMs`.
 */
export class ClientRepository {
  private readonly cache = new Map<string, { client: Client | undefined; at: number }>();

  constructor(
    private readonly db: Db,
    private readonly cacheMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  async findById(id: string): Promise<Client | undefined> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.client;
    const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    const client = row && clientFromRow(row);
    if (this.cacheMs > 0) {
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(id, { client, at: this.now() });
    }
    return client;
  }

  async list(ownerUserId?: string): Promise<Client[]> {
    let query = this.db.selectFrom('clients').selectAll().orderBy('created_at');
    if (ownerUserId) query = query.where('owner_user_id', '=', ownerUserId);
    return (await query.execute()).map(clientFromRow);
  }

  async insert(row: ClientsTable): Promise<void> {
    this.cache.delete(row.id);
    await this.db.insertInto('clients').values(row).execute();
  }

  async update(id: string, changes: Partial<ClientsTable>): Promise<void> {
    this.cache.delete(id);
    await this.db.updateTable('clients').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    this.cache.delete(id);
    const result = await this.db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
