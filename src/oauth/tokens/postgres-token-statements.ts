import type pg from 'pg';
import {
  codeFromRow,
  type AuthorizationCode,
  type AuthorizationCodeRow,
  type AuthorizationCodeStatements,
} from './authorization-code-repository.ts';
import {
  refreshTokenFromRow,
  type NewRefreshToken,
  type NewTokenFamily,
  type RefreshTokenRecord,
  type RefreshTokenRow,
  type TokenFamilyStatements,
} from './token-family-repository.ts';

/** Runs one statement: on the pool (outside any transaction) or on the connection of a unit. */
export type RunStatement = <R extends pg.QueryResultRow>(query: pg.QueryConfig) => Promise<pg.QueryResult<R>>;

/** A named statement: PostgreSQL parses it once per connection and then only binds its parameters. */
function prepared(name: string, text: string): (values: unknown[]) => pg.QueryConfig {
  const tagged = `consentry_tokens_${name}`;
  return (values) => ({ name: tagged, text, values });
}

// Columns are named, never `*`: a column added later must not change the result of a statement
// that a running node keeps prepared ("cached plan must not change result type").
const findRefreshToken = prepared(
  'find_refresh_token',
  `SELECT r.id, r.family_id, r.status, r.scopes, r.created_at, r.expires_at, r.rotated_at, r.access_jti, r.access_expires_at,
          r.successor_response, r.successor_response_expires_at, r.dpop_jkt,
          f.grant_id, f.client_id, f.user_id, f.scopes AS family_scopes, f.resources, f.auth_time, f.session_id, f.expires_at AS family_expires_at, f.revoked_at,
          g.id AS live_grant_id
   FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
   LEFT JOIN grants g ON g.id = f.grant_id AND g.revoked_at IS NULL
   WHERE r.token_hash = $1`,
);
const markRotated = prepared(
  'mark_rotated',
  `UPDATE refresh_tokens SET status = 'rotated', rotated_at = $1, successor_response = $2, successor_response_expires_at = $3
   WHERE id = $4 AND status = 'active'`,
);
const insertFamily = prepared(
  'insert_family',
  `INSERT INTO token_families (id, grant_id, client_id, user_id, scopes, resources, auth_time, created_at, expires_at, revoked_at, session_id)
   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10)`,
);
const insertRefreshToken = prepared(
  'insert_refresh_token',
  `INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                               successor_response, successor_response_expires_at, dpop_jkt)
   VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, NULL, $8, $9, NULL, NULL, $10)`,
);
const extendFamily = prepared('extend_family', 'UPDATE token_families SET expires_at = $1 WHERE id = $2');
// The hot units' writes, each one statement: data-modifying CTEs that write only when the
// compare-and-set UPDATE they start with wins. A statement is atomic by itself, so such a unit
// runs with no BEGIN and COMMIT around it: one round trip instead of four. Measured on a unit
// rotating one token, 16 at a time, node CPU per unit: Kysely's transaction ~270 µs, the same
// four statements prepared ~166 µs, this CTE alone ~90 µs (pg's pipeline mode saved waiting,
// not CPU: each query is still its own write and read). Under READ COMMITTED the UPDATE still
// waits for a concurrent writer of its row and rechecks its condition, so exactly one rotation
// or redemption wins across nodes.
const rotate = prepared(
  'rotate',
  `WITH rotated AS (
     UPDATE refresh_tokens SET status = 'rotated', rotated_at = $1, successor_response = $2, successor_response_expires_at = $3
     WHERE id = $4 AND status = 'active'
     RETURNING id
   ), successor AS (
     INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                                 successor_response, successor_response_expires_at, dpop_jkt)
     SELECT $5::text, $6::text, $7::text, $8::text, 'active', $9::text, $10::bigint, $11::bigint, NULL, $12::text, $13::bigint, NULL, NULL, $14::text
     FROM rotated
   ), extended AS (
     UPDATE token_families SET expires_at = $15 WHERE id = $7 AND $15::bigint IS NOT NULL AND EXISTS (SELECT 1 FROM rotated)
   ), revoked AS (
     INSERT INTO revoked_access_tokens (jti, expires_at) SELECT $16::text, $17::bigint FROM rotated WHERE $16::text IS NOT NULL
     ON CONFLICT (jti) DO NOTHING
   )
   SELECT count(*)::int AS rotated FROM rotated`,
);
const redeem = prepared(
  'redeem',
  `WITH consumed AS (
     UPDATE authorization_codes SET consumed_at = $1, family_id = $3 WHERE code_hash = $2 AND consumed_at IS NULL
       AND EXISTS (SELECT 1 FROM grants g WHERE g.id = authorization_codes.grant_id AND g.revoked_at IS NULL)
     RETURNING code_hash
   ), family AS (
     INSERT INTO token_families (id, grant_id, client_id, user_id, scopes, resources, auth_time, created_at, expires_at, revoked_at, session_id)
     SELECT $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::bigint, $10::bigint, $11::bigint, NULL, $12::text
     FROM consumed
     RETURNING id
   ), first_token AS (
     INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                                 successor_response, successor_response_expires_at, dpop_jkt)
     SELECT $13::text, $14::text, $15::text, $16::text, 'active', $17::text, $18::bigint, $19::bigint, NULL, $20::text, $21::bigint, NULL, NULL, $22::text
     FROM family WHERE $13::text IS NOT NULL
   )
   SELECT count(*)::int AS redeemed FROM consumed`,
);
// The family and its refresh tokens in one statement: atomic by itself, one round trip.
const revokeFamily = prepared(
  'revoke_family',
  `WITH family AS (
     UPDATE token_families SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id
   ), tokens AS (
     UPDATE refresh_tokens SET status = 'revoked', successor_response = NULL WHERE family_id = $1 AND status <> 'revoked'
   )
   SELECT count(*)::int AS changed FROM family`,
);
const revokeAccessToken = prepared(
  'revoke_access_token',
  'INSERT INTO revoked_access_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
);
const isTokenRevoked = prepared(
  'is_token_revoked',
  `SELECT ($1::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM token_families WHERE id = $1 AND revoked_at IS NULL))
       OR EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = $2) AS revoked`,
);
const findCode = prepared(
  'find_code',
  `SELECT c.code_hash, c.client_id, c.user_id, c.grant_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge, c.code_challenge_method,
          c.scopes, c.resources, c.nonce, c.auth_time, c.expires_at, c.consumed_at, c.family_id, c.session_id, c.dpop_jkt,
          g.id AS live_grant_id
   FROM authorization_codes c LEFT JOIN grants g ON g.id = c.grant_id AND g.revoked_at IS NULL
   WHERE c.code_hash = $1`,
);
const consumeCode = prepared(
  'consume_code',
  `UPDATE authorization_codes SET consumed_at = $1, family_id = $2 WHERE code_hash = $3 AND consumed_at IS NULL
     AND EXISTS (SELECT 1 FROM grants g WHERE g.id = authorization_codes.grant_id AND g.revoked_at IS NULL)`,
);

/** A new family's parameters, in the order of `insert_family`'s columns. */
function familyValues(f: NewTokenFamily): unknown[] {
  const scopes = JSON.stringify(f.scopes);
  const resources = JSON.stringify(f.resources);
  return [
    f.id,
    f.grantId,
    f.clientId,
    f.userId,
    scopes,
    resources,
    f.authTime,
    f.createdAt,
    f.expiresAt,
    f.sessionId ?? null,
  ];
}

/** A new refresh token's parameters, in the order of `insert_refresh_token`'s columns. */
function refreshTokenValues(t: NewRefreshToken): unknown[] {
  const scopes = JSON.stringify(t.scopes);
  return [
    t.id,
    t.tokenHash,
    t.familyId,
    t.parentId,
    scopes,
    t.createdAt,
    t.expiresAt,
    t.accessJti,
    t.accessExpiresAt,
    t.dpopJkt,
  ];
}

const NO_REFRESH_TOKEN: unknown[] = Array.from({ length: 10 }, () => null);

/**
 * The statements of `TokenTransaction` on PostgreSQL, as raw pg named prepared statements: the
 * same SQL as SQLite's (test/oauth/token-store-contract.test.ts runs both), without Kysely
 * building and compiling it anew for every request. Parameters bind by position, straight from
 * the domain objects; rows become domain objects through the repositories' row functions.
 * `run` says where they go: the pool, or the connection a unit holds (see token-store.ts).
 */
export class PostgresTokenStatements {
  readonly families: TokenFamilyStatements;
  readonly codes: AuthorizationCodeStatements;

  constructor(run: RunStatement) {
    this.families = {
      findRefreshToken: async (tokenHash): Promise<RefreshTokenRecord | undefined> => {
        const { rows } = await run<RefreshTokenRow>(findRefreshToken([tokenHash]));
        return rows[0] && refreshTokenFromRow(rows[0]);
      },
      markRotated: async (id, now, replayable, replayableUntil) =>
        (await run(markRotated([now, replayable, replayableUntil, id]))).rowCount === 1,
      insertFamily: async (f) => void (await run(insertFamily(familyValues(f)))),
      insertRefreshToken: async (t) => void (await run(insertRefreshToken(refreshTokenValues(t)))),
      extendFamily: async (familyId, expiresAt) => void (await run(extendFamily([expiresAt, familyId]))),
      rotate: async (r) => {
        const values = [r.rotatedAt, r.replayable, r.replayableUntil, r.rotatedId, ...refreshTokenValues(r.successor)];
        values.push(r.familyExpiresAt, r.revokedAccessToken?.jti ?? null, r.revokedAccessToken?.expiresAt ?? null);
        return (await run<{ rotated: number }>(rotate(values))).rows[0]!.rotated === 1;
      },
      revokeFamily: async (familyId, now) =>
        (await run<{ changed: number }>(revokeFamily([familyId, now]))).rows[0]!.changed > 0,
      revokeAccessToken: async (jti, expiresAt) => void (await run(revokeAccessToken([jti, expiresAt]))),
      isTokenRevoked: async (familyId, jti) =>
        (await run<{ revoked: boolean }>(isTokenRevoked([familyId ?? null, jti]))).rows[0]!.revoked,
    };
    this.codes = {
      findByHash: async (codeHash): Promise<AuthorizationCode | undefined> => {
        const { rows } = await run<AuthorizationCodeRow>(findCode([codeHash]));
        return rows[0] && codeFromRow(rows[0]);
      },
      consume: async (codeHash, familyId, now) => (await run(consumeCode([now, familyId, codeHash]))).rowCount === 1,
      redeem: async ({ codeHash, now, family, refreshToken }) => {
        const token = refreshToken ? refreshTokenValues(refreshToken) : NO_REFRESH_TOKEN;
        const values = [now, codeHash, ...familyValues(family), ...token];
        return (await run<{ redeemed: number }>(redeem(values))).rows[0]!.redeemed === 1;
      },
    };
  }
}
