import type { Db } from '../../kernel/db/database.ts';
import type { UsersTable } from '../../kernel/db/schema.ts';
import { LookupCache } from '../../kernel/lookup-cache.ts';
import type { Destination } from '../destination.ts';

/**
 * People, with lookups by id cached for `cacheMs`: UserInfo asks for the person behind a token on
 * every call. A change made on this node clears the entry at once; other nodes see it within
 * `cacheMs`, as they see a changed client (ClientRepository).
 */
export class UserRepository {
  private readonly cache: LookupCache<UsersTable | undefined>;

  constructor(
    private readonly db: Db,
    cacheMs = 0,
    now: () => number = Date.now,
  ) {
    this.cache = new LookupCache(cacheMs, now);
  }

  async findById(id: string): Promise<UsersTable | undefined> {
    return this.cache.lookup(id, () => this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst());
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
    const result = await this.cache.change(row.id, () =>
      this.db
        .insertInto('users')
        .values(row)
        .onConflict((conflict) => conflict.doNothing())
        .executeTakeFirst(),
    );
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Sets the fields a person edits on /account. */
  async updateProfile(
    id: string,
    profile: { name: string | null; time_zone: string | null },
    now: number,
  ): Promise<void> {
    await this.cache.change(id, () =>
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
    await this.cache.change(id, () =>
      this.db
        .updateTable('users')
        .set({ [column]: now, updated_at: now })
        .where('id', '=', id)
        .where(column, 'is', null)
        .execute(),
    );
  }
}
