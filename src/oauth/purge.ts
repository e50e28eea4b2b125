import type { Db } from '../kernel/db/database.ts';
import { inBatches, type Purger } from '../kernel/jobs/janitor.ts';

type ExpiringTable =
  | 'authorization_codes'
  | 'device_authorizations'
  | 'interactions'
  | 'revoked_access_tokens'
  | 'refresh_tokens'
  | 'token_families'
  | 'dpop_proofs'
  | 'pushed_authorization_requests'
  | 'seen_jtis';

/** Tables whose rows die at `expires_at`, with their keys; a family takes its remaining refresh tokens along. */
const EXPIRING: Record<ExpiringTable, string> = {
  authorization_codes: 'code_hash',
  device_authorizations: 'id',
  interactions: 'id',
  revoked_access_tokens: 'jti',
  refresh_tokens: 'id',
  token_families: 'id',
  dpop_proofs: 'id',
  pushed_authorization_requests: 'request_uri_hash',
  seen_jtis: 'key_hash',
};

/** For the janitor: the authorization server's expired codes, interactions, pushed requests, seen jtis, revocations, tokens and DPoP proofs seen. */
export const purgeOAuthData: Purger = async (db, now, batchSize) => {
  const purged: Record<string, number> = {};
  for (const [table, key] of Object.entries(EXPIRING) as Array<[ExpiringTable, string]>) {
    purged[table] = await inBatches(batchSize, () => deleteBatch(db, table, key, now, batchSize));
  }
  // Rotated rows keep what their rotation recorded until they expire. Finding the sealed responses
  // of versions before derived successors needs an index on columns every rotation writes, which
  // made each rotation's update add an entry to every index of the table: 0023 cleared those whose
  // window had closed and dropped it; one sealed later (an old node during the rollout) goes with its row.
  return purged;
};

async function deleteBatch(db: Db, table: ExpiringTable, key: string, now: number, batchSize: number): Promise<number> {
  const doomed = db
    .selectFrom(table)
    .select(key as never)
    .where('expires_at' as never, '<=', now as never)
    .limit(batchSize);
  // Expired again in the delete: seen_jtis's key_hash alone is not unique (its key starts with expires_at).
  const result = await db
    .deleteFrom(table)
    .where(key as never, 'in', doomed as never)
    .where('expires_at' as never, '<=', now as never)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
