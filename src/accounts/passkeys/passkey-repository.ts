import type { Db } from '../../kernel/db/database.ts';
import type { PasskeysTable } from '../../kernel/db/schema.ts';

export class PasskeyRepository {
  constructor(private readonly db: Db) {}

  async insert(row: PasskeysTable): Promise<void> {
    await this.db.insertInto('passkeys').values(row).execute();
  }

  /** A person's passkeys, oldest first. */
  async listByUser(userId: string): Promise<PasskeysTable[]> {
    return this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
  }

  async findByCredentialId(credentialId: string): Promise<PasskeysTable | undefined> {
    return this.db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
  }

  /** One of the person's passkeys; undefined when the id is not theirs. */
  async findForUser(id: string, userId: string): Promise<PasskeysTable | undefined> {
    return this.db
      .selectFrom('passkeys')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
  }

  /**
   * Records a sign-in, only if the counter is still the one the assertion was checked against:
   * of two sign-ins racing with one counter value, one wins.
   */
  async recordUse(
    id: string,
    checkedCounter: number,
    use: { counter: number; backedUp: boolean; at: number },
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('passkeys')
      .set({ counter: use.counter, backed_up: use.backedUp ? 1 : 0, last_used_at: use.at })
      .where('id', '=', id)
      .where('counter', '=', checkedCounter)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async renameForUser(id: string, userId: string, name: string): Promise<boolean> {
    const result = await this.db
      .updateTable('passkeys')
      .set({ name })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async deleteForUser(id: string, userId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('passkeys')
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
