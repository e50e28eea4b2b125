import type pg from 'pg';
import {
  codeFromRow,
  type AuthorizationCode,
  type AuthorizationCodeRow,
  type AuthorizationCodeStatements,
} from './authorization-code-repository.ts';
import {
  refreshTokenFromRow,
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
      markRotated: async (id, now, sealedResponse, responseExpiresAt) =>
        (await run(markRotated([now, sealedResponse, responseExpiresAt, id]))).rowCount === 1,
      insertFamily: async (f) =>
        void (await run(
          insertFamily([
            f.id,
            f.grantId,
            f.clientId,
            f.userId,
            JSON.stringify(f.scopes),
            JSON.stringify(f.resources),
            f.authTime,
            f.createdAt,
            f.expiresAt,
            f.sessionId ?? null,
          ]),
        )),
      insertRefreshToken: async (t) =>
        void (await run(
          insertRefreshToken([
            t.id,
            t.tokenHash,
            t.familyId,
            t.parentId,
            JSON.stringify(t.scopes),
            t.createdAt,
            t.expiresAt,
            t.accessJti,
            t.accessExpiresAt,
            t.dpopJkt,
          ]),
        )),
      extendFamily: async (familyId, expiresAt) => void (await run(extendFamily([expiresAt, familyId]))),
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
    };
  }
}
