import type { Db } from '../../kernel/db/database.ts';
import type { SchedulingHostsTable } from '../../kernel/db/schema.ts';
import { isUniqueViolation } from '../unique-violation.ts';

/** Hosts' profiles (slug, time zone), keyed by user id. */
export class HostRepository {
  constructor(private readonly db: Db) {}

  findByUserId(userId: string): Promise<SchedulingHostsTable | undefined> {
    return this.db.selectFrom('scheduling_hosts').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  findBySlug(slug: string): Promise<SchedulingHostsTable | undefined> {
    return this.db.selectFrom('scheduling_hosts').selectAll().where('slug', '=', slug).executeTakeFirst();
  }

  /** @throws a unique violation when the slug or the user is taken */
  async insert(row: SchedulingHostsTable): Promise<void> {
    await this.db.insertInto('scheduling_hosts').values(row).execute();
  }

  /** False when the new slug is taken. */
  async update(userId: string, fields: { slug: string; time_zone: string }, now: number): Promise<boolean> {
    try {
      await this.db
        .updateTable('scheduling_hosts')
        .set({ ...fields, updated_at: now })
        .where('user_id', '=', userId)
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /**
   * Serialises bookings of one host: PostgreSQL row lock; SQLite transactions are serial already.
   * Answers the host's slug (undefined when there is no such host), read under the lock.
   */
  async lock(userId: string, dialect: 'sqlite' | 'postgres'): Promise<string | undefined> {
    const query = this.db.selectFrom('scheduling_hosts').select('slug').where('user_id', '=', userId);
    const row = await (dialect === 'postgres' ? query.forUpdate() : query).executeTakeFirst();
    return row?.slug;
  }
}
