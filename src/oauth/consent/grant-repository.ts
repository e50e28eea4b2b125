import type { Db } from '../../kernel/db/database.ts';
import type { GrantsTable } from '../../kernel/db/schema.ts';
import { fromJsonList, toJsonList } from '../../kernel/json-list.ts';

/** A person's standing consent for one client: the scopes and resources approved. */
export interface Grant {
  id: string;
  userId: string;
  clientId: string;
  scopes: string[];
  resources: string[];
  createdAt: number;
  updatedAt: number;
}

export class GrantRepository {
  constructor(private readonly db: Db) {}

  async findActive(userId: string, clientId: string): Promise<Grant | undefined> {
    const row = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return row && grantFromRow(row);
  }

  async listActiveForUser(userId: string): Promise<Grant[]> {
    const rows = await this.db
      .selectFrom('grants')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at')
      .execute();
    return rows.map(grantFromRow);
  }

  /** Adds scopes and resources to the person's grant for the client, creating it if needed. */
  async approve(
    id: string,
    userId: string,
    clientId: string,
    scopes: string[],
    resources: string[],
    now: number,
  ): Promise<string> {
    return this.db.transaction().execute(async (trx) => {
      const repo = new GrantRepository(trx);
      const existing = await repo.findActive(userId, clientId);
      if (existing) {
        const merged = { scopes: union(existing.scopes, scopes), resources: union(existing.resources, resources) };
        await trx
          .updateTable('grants')
          .set({ scopes: toJsonList(merged.scopes), resources: toJsonList(merged.resources), updated_at: now })
          .where('id', '=', existing.id)
          .execute();
        return existing.id;
      }
      await trx
        .insertInto('grants')
        .values({
          id,
          user_id: userId,
          client_id: clientId,
          scopes: toJsonList(scopes),
          resources: toJsonList(resources),
          created_at: now,
          updated_at: now,
          revoked_at: null,
        })
        .execute();
      return id;
    });
  }

  /** Marks the grant revoked; returns whether it was active. Token families are revoked by the caller. */
  async revoke(id: string, userId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('grants')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async isActive(id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('grants')
      .select('id')
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Boolean(row);
  }
}

function grantFromRow(row: GrantsTable): Grant {
  return {
    id: row.id,
    userId: row.user_id,
    clientId: row.client_id,
    scopes: fromJsonList(row.scopes),
    resources: fromJsonList(row.resources),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function union(a: string[], b: string[]): string[] {
  return [...new Set([...a, ...b])];
}
