import type { Db } from '../../kernel/db/database.ts';
import type { OtpChallengesTable } from '../../kernel/db/schema.ts';

export type OtpChallengeRow = OtpChallengesTable;

export class OtpRepository {
  constructor(private readonly db: Db) {}

  async insert(row: OtpChallengeRow): Promise<void> {
    await this.db.insertInto('otp_challenges').values(row).execute();
  }

  async findById(id: string): Promise<OtpChallengeRow | undefined> {
    return this.db.selectFrom('otp_challenges').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Creation times of the codes sent to `destination` since `since`, newest first. */
  async sentSince(destination: string, since: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('otp_challenges')
      .select('created_at')
      .where('destination', '=', destination)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((row) => Number(row.created_at));
  }

  /** Creation times of the newest `limit` codes sent over `channel` since `since`, newest first (all nodes). */
  async channelSentSince(channel: OtpChallengeRow['channel'], since: number, limit: number): Promise<number[]> {
    const rows = await this.db
      .selectFrom('otp_challenges')
      .select('created_at')
      .where('channel', '=', channel)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.created_at));
  }

  /**
   * Spends one attempt before the code is checked, in one statement, so that concurrent guesses
   * can never exceed `maxAttempts`. Returns the attempts used, or undefined when none was left
   * (or the challenge is used up or expired).
   */
  async reserveAttempt(id: string, maxAttempts: number, now: number): Promise<number | undefined> {
    const row = await this.db
      .updateTable('otp_challenges')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('attempts', '<', maxAttempts)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('attempts')
      .executeTakeFirst();
    return row?.attempts;
  }

  /** Marks the challenge used; false when another request got there first. */
  async consume(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('otp_challenges')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Ends a challenge early (a newer code replaced it). */
  async expire(id: string, now: number): Promise<void> {
    await this.db
      .updateTable('otp_challenges')
      .set({ expires_at: now })
      .where('id', '=', id)
      .where('expires_at', '>', now)
      .execute();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('otp_challenges').where('id', '=', id).execute();
  }
}
