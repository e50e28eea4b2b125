import { sql } from 'kysely';
import type { Db, Dialect } from '../db/database.ts';
import type { SigningKeysTable } from '../db/schema.ts';

export type SigningKeyRow = SigningKeysTable;

/** Signing keys as stored: public JWK in the clear, private JWK sealed with SECRET_KEY. */
export class SigningKeyRepository {
  constructor(
    private readonly db: Db,
    private readonly dialect: Dialect,
  ) {}

  listPublished(now: number): Promise<SigningKeyRow[]> {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('status', '!=', 'retired'), eb('publish_until', '>', now)]))
      .orderBy('created_at')
      .execute();
  }

  /**
   * Runs `work` alone among nodes: PostgreSQL takes a transaction-scoped advisory lock,
   * SQLite serialises writers anyway.
   */
  async exclusively<T>(work: (repo: SigningKeyRepository) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(async (trx) => {
      if (this.dialect === 'postgres') await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
      return work(new SigningKeyRepository(trx, this.dialect));
    });
  }

  findByStatus(status: SigningKeyRow['status']): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().where('status', '=', status).orderBy('created_at').execute();
  }

  async insert(row: SigningKeyRow): Promise<void> {
    await this.db.insertInto('signing_keys').values(row).execute();
  }

  async retire(kid: string, now: number, publishUntil: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ status: 'retired', retired_at: now, publish_until: publishUntil })
      .where('kid', '=', kid)
      .execute();
  }

  async activate(kid: string, now: number): Promise<void> {
    await this.db
      .updateTable('signing_keys')
      .set({ status: 'active', activated_at: now })
      .where('kid', '=', kid)
      .execute();
  }

  async deleteExpired(now: number, limit: number): Promise<number> {
    const doomed = this.db
      .selectFrom('signing_keys')
      .select('kid')
      .where('status', '=', 'retired')
      .where('publish_until', '<=', now)
      .limit(limit);
    const result = await this.db.deleteFrom('signing_keys').where('kid', 'in', doomed).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
