import type { Db } from '../kernel/db/database.ts';
import type { Purger } from '../kernel/jobs/janitor.ts';
import { OTP_RETENTION_MS } from './otp/otp-policy.ts';

/**
 * For the janitor: deletes expired sessions, one-time-code challenges and passkey challenges,
 * at most `batchSize` rows of each. Code challenges are kept for OTP_RETENTION_MS after creation
 * (not just until they expire), because the hourly per-destination limit counts them.
 */
export async function purgeAccountsData(
  db: Db,
  now: number,
  batchSize = 1000,
): Promise<{ sessions: number; challenges: number; passkeyChallenges: number }> {
  const sessions = await db
    .deleteFrom('sessions')
    .where('id', 'in', db.selectFrom('sessions').select('id').where('expires_at', '<=', now).limit(batchSize))
    .executeTakeFirst();
  const challenges = await db
    .deleteFrom('otp_challenges')
    .where(
      'id',
      'in',
      db
        .selectFrom('otp_challenges')
        .select('id')
        .where('created_at', '<=', now - OTP_RETENTION_MS)
        .limit(batchSize),
    )
    .executeTakeFirst();
  const passkeyChallenges = await db
    .deleteFrom('passkey_challenges')
    .where(
      'challenge',
      'in',
      db.selectFrom('passkey_challenges').select('challenge').where('expires_at', '<=', now).limit(batchSize),
    )
    .executeTakeFirst();
  return {
    sessions: Number(sessions.numDeletedRows),
    challenges: Number(challenges.numDeletedRows),
    passkeyChallenges: Number(passkeyChallenges.numDeletedRows),
  };
}

/** The janitor's view of `purgeAccountsData`: batch after batch until every table comes back short. */
export const purgeAccounts: Purger = async (db, now, batchSize) => {
  const purged = { sessions: 0, otp_challenges: 0, passkey_challenges: 0 };
  for (;;) {
    const { sessions, challenges, passkeyChallenges } = await purgeAccountsData(db, now, batchSize);
    purged.sessions += sessions;
    purged.otp_challenges += challenges;
    purged.passkey_challenges += passkeyChallenges;
    if (sessions < batchSize && challenges < batchSize && passkeyChallenges < batchSize) return purged;
  }
};
