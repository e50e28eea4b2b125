import type { Db } from '../../kernel/db/database.ts';
import type { UsersTable } from '../../kernel/db/schema.ts';
import type { Destination } from '../destination.ts';

/**
 * People, with lookups by id cached for `cacheMs`: UserInfo asks for the person behind a token on
 * every call. A change made on this node clears the entry, and a lookup that overlapped a write
 * keeps nothing; other nodes see a change within `cacheMs`, as they see a changed client
 * (ClientRepository).
 */
export class UserRepository {
  private readonly cache = new Map<string, { row: UsersTable | undefined; at: number }>();
  /** Counts writes begun and ended, so a lookup can tell that one overlapped it. */
  private writes = 0;

  constructor(
    private readonly db: Db,
    private readonly cacheMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  async findById(id: string): Promise<UsersTable | undefined> {
    const hit = this.cache.get(id);
    if (hit && this.now() - hit.at < this.cacheMs) return hit.row;
    const writesBefore = this.writes;
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (this.cacheMs > 0 && this.writes === writesBefore) {
      // Bounded without bookkeeping: a node that meets many people starts over now and then.
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(id, { row, at: this.now() });
    }
    return row;
  }

  async findByContact({ channel, address }: Destination): Promise<UsersTable | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where(channel === 'email' ? 'email' : 'phone', '=', address)
      .executeTakeFirst();
  }

  /** Inserts unless the email or phone is taken; tells which happened (no exception on a race). */
  async insertIfAbsent(row: UsersTable): Promise<boolean> {
    this.cache.delete(row.id);
    const result = await this.db
      .insertInto('users')
      .values(row)
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Sets the fields a person edits on /account. */
  async updateProfile(
    id: string,
    profile: { name: string | null; time_zone: string | null },
    now: number,
  ): Promise<void> {
    await this.changing(id, () =>
      this.db
        .updateTable('users')
        .set({ ...profile, updated_at: now })
        .where('id', '=', id)
        .execute(),
    );
  }

  /** Records the first time the person proved they receive codes at this contact. */
  async markVerified(id: string, channel: Destination['channel'], now: number): Promise<void> {
    const column = channel === 'email' ? 'email_verified_at' : 'phone_verified_at';
    await this.changing(id, () =>
      this.db
        .updateTable('users')
        .set({ [column]: now, updated_at: now })
        .where('id', '=', id)
        .where(column, 'is', null)
        .execute(),
    );
  }

  /** The entry goes before the write; `writes` moves on both sides, so no overlapping lookup caches the old row. */
  private async changing(id: string, write: () => Promise<unknown>): Promise<void> {
    this.writes++;
    this.cache.delete(id);
    try {
      await write();
    } finally {
      this.writes++;
      this.cache.delete(id);
    }
  }
}
