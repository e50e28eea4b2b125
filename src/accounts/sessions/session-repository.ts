import type { Db } from '../../kernel/db/database.ts';
import type { SessionsTable } from '../../kernel/db/schema.ts';

export class SessionRepository {
  constructor(private readonly db: Db) {}

  async insert(row: SessionsTable): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  /** The unexpired session whose token hashes to `tokenHash`. */
  async findLiveByTokenHash(tokenHash: string, now: number): Promise<SessionsTable | undefined> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  async touch(id: string, now: number): Promise<void> {
    await this.db.updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
  }

  /** A person's unexpired sessions, most recently used first. */
  async listLiveByUser(userId: string, now: number): Promise<SessionsTable[]> {
    return this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .orderBy('last_seen_at', 'desc')
      .execute();
  }

  /** Deletes one of the person's sessions; false when it was not theirs (or already gone). */
  async deleteForUser(id: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Deletes every session of the person except `keepId`; returns the ids of those that ended. */
  async deleteOthersForUser(userId: string, keepId: string): Promise<string[]> {
    const rows = await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('id', '!=', keepId)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Deletes the session the cookie names; answers which one it was (undefined when none). */
  async deleteByTokenHash(tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
    const row = await this.db
      .deleteFrom('sessions')
      .where('token_hash', '=', tokenHash)
      .returning(['id', 'user_id'])
      .executeTakeFirst();
    return row && { id: row.id, userId: row.user_id };
  }
}
