import type { Db } from '../../db/database.ts';
import type { ClientsTable } from '../../db/schema.ts';
import { clientFromRow, type Client } from './client.ts';

export class ClientRepository {
  constructor(private readonly db: Db) {}

  async findById(id: string): Promise<Client | undefined> {
    const row = await this.db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && clientFromRow(row);
  }

  async list(ownerUserId?: string): Promise<Client[]> {
    let query = this.db.selectFrom('clients').selectAll().orderBy('created_at');
    if (ownerUserId) query = query.where('owner_user_id', '=', ownerUserId);
    return (await query.execute()).map(clientFromRow);
  }

  async insert(row: ClientsTable): Promise<void> {
    await this.db.insertInto('clients').values(row).execute();
  }

  async update(id: string, changes: Partial<ClientsTable>): Promise<void> {
    await this.db.updateTable('clients').set(changes).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('clients').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
