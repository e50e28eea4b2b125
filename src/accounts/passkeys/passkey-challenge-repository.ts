import type { Db } from '../../kernel/db/database.ts';
import type { PasskeyChallengesTable } from '../../kernel/db/schema.ts';

/** What an answer must be bound to: the signed-in session (registration) or the flow cookie (sign-in). */
export type ChallengeBinding = { purpose: 'register'; sessionId: string } | { purpose: 'sign-in'; flowHash: string };

export class PasskeyChallengeRepository {
  constructor(private readonly db: Db) {}

  async insert(row: PasskeyChallengesTable): Promise<void> {
    await this.db.insertInto('passkey_challenges').values(row).execute();
  }

  /**
   * Uses up a live challenge issued for `binding`: one statement deletes it, so of two answers
   * to one challenge only one finds it. False when it is unknown, expired, used or bound elsewhere.
   */
  async consume(challenge: string, binding: ChallengeBinding, now: number): Promise<boolean> {
    let query = this.db
      .deleteFrom('passkey_challenges')
      .where('challenge', '=', challenge)
      .where('purpose', '=', binding.purpose)
      .where('expires_at', '>', now);
    query =
      binding.purpose === 'register'
        ? query.where('session_id', '=', binding.sessionId)
        : query.where('flow_hash', '=', binding.flowHash);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
