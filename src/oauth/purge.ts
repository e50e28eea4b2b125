import { sql } from 'kysely';
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
  // Successor responses that rotations of earlier versions recorded for their grace window hold
  // live tokens, sealed: each is dropped once its window closed. What rotations record now (a
  // fingerprint of the request) is not secret and goes with its row (0021).
  purged.sealed_responses = await inBatches(batchSize, () => clearSealedBatch(db, now, batchSize));
  return purged;
};

/** The partial index's own predicate (0021), word for word, so that both databases use it. */
const SEALED = sql<boolean>`successor_response not like 'replayable:%'`;

async function clearSealedBatch(db: Db, now: number, batchSize: number): Promise<number> {
  const closed = db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('successor_response_expires_at', '<=', now)
    .where(SEALED)
    .limit(batchSize);
  const result = await db
    .updateTable('refresh_tokens')
    .set({ successor_response: null, successor_response_expires_at: null })
    .where('id', 'in', closed)
    .where('successor_response_expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

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
