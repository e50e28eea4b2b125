import type pg from 'pg';
import { LookupBatch } from '../../kernel/db/lookup-batch.ts';
import { StatementBatch } from '../../kernel/db/statement-batch.ts';
import {
  codeFromRow,
  type AuthorizationCode,
  type AuthorizationCodeRow,
  type AuthorizationCodeStatements,
  type CodeRedemption,
} from './authorization-code-repository.ts';
import {
  refreshTokenFromRow,
  type NewRefreshToken,
  type NewTokenFamily,
  type RefreshTokenRecord,
  type RefreshTokenRotation,
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

/**
 * An unnamed statement, planned anew for its parameters at every run: for statements over
 * arrays of keys. A named one keeps the generic plan it chose on its connection, and one chosen
 * while a table was nearly empty scans the whole table once it has grown (seen: a batch of code
 * redemptions took 150-950 ms once 72,000 codes were stored). A plan made at the run sees the
 * table's current size and the array's length. Its parsing is paid once per batch, not per key.
 */
function planned(text: string): (values: unknown[]) => pg.QueryConfig {
  return (values) => ({ text, values });
}

// Columns are named, never `*`: a column added later must not change the result of a statement
// that a running node keeps prepared ("cached plan must not change result type").
// Lookups by any number of keys, so that those of one turn share a query (lookup-batch.ts); each
// row says which key it answers.
const findRefreshTokens = planned(
  `SELECT r.token_hash, r.id, r.family_id, r.status, r.scopes, r.created_at, r.expires_at, r.rotated_at, r.access_jti, r.access_expires_at,
          r.successor_response, r.successor_response_expires_at, r.dpop_jkt,
          f.grant_id, f.client_id, f.user_id, f.scopes AS family_scopes, f.resources, f.auth_time, f.session_id, f.expires_at AS family_expires_at, f.revoked_at,
          g.id AS live_grant_id
   FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
   LEFT JOIN grants g ON g.id = f.grant_id AND g.revoked_at IS NULL
   WHERE r.token_hash = ANY($1::text[])`,
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
// `rotate` for the rotations of one turn (statement-batch.ts): one array per column, a row per
// rotation. Each rotation still wins only while its token is active; the successors, family
// extensions and revoked access tokens follow only the rotations that won. A batch never holds
// one token twice.
const rotateMany = planned(
  `WITH input AS (
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                          $10::bigint[], $11::bigint[], $12::text[], $13::bigint[], $14::text[], $15::bigint[], $16::text[], $17::bigint[])
       AS i(rotated_id, rotated_at, replayable, replayable_until, id, token_hash, family_id, parent_id, scopes,
            created_at, expires_at, access_jti, access_expires_at, dpop_jkt, family_expires_at, revoked_jti, revoked_expires_at)
   ), rotated AS (
     UPDATE refresh_tokens r SET status = 'rotated', rotated_at = i.rotated_at, successor_response = i.replayable,
            successor_response_expires_at = i.replayable_until
     FROM input i WHERE r.id = i.rotated_id AND r.status = 'active'
     RETURNING r.id
   ), won AS (
     SELECT i.* FROM input i JOIN rotated ON rotated.id = i.rotated_id
   ), successor AS (
     INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                                 successor_response, successor_response_expires_at, dpop_jkt)
     SELECT id, token_hash, family_id, parent_id, 'active', scopes, created_at, expires_at, NULL, access_jti, access_expires_at, NULL, NULL, dpop_jkt
     FROM won
   ), extended AS (
     UPDATE token_families f SET expires_at = w.family_expires_at FROM won w WHERE f.id = w.family_id AND w.family_expires_at IS NOT NULL
   ), revoked AS (
     INSERT INTO revoked_access_tokens (jti, expires_at) SELECT revoked_jti, revoked_expires_at FROM won WHERE revoked_jti IS NOT NULL
     ON CONFLICT (jti) DO NOTHING
   )
   SELECT id AS won FROM rotated`,
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
// `redeem` for the redemptions of one turn (statement-batch.ts), as `rotate_many` is for rotations:
// each code is consumed only while unconsumed and its grant live, and only the redemptions that
// won start their family and its first refresh token. A batch never holds one code twice.
const redeemMany = planned(
  `WITH input AS (
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[],
                          $10::bigint[], $11::bigint[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[],
                          $18::bigint[], $19::bigint[], $20::text[], $21::bigint[], $22::text[])
       AS i(code_hash, now, family_id, grant_id, client_id, user_id, family_scopes, resources, auth_time, family_created_at,
            family_expires_at, session_id, token_id, token_hash, token_family_id, parent_id, token_scopes, token_created_at,
            token_expires_at, access_jti, access_expires_at, dpop_jkt)
   ), consumed AS (
     UPDATE authorization_codes c SET consumed_at = i.now, family_id = i.family_id
     FROM input i WHERE c.code_hash = i.code_hash AND c.consumed_at IS NULL
       AND EXISTS (SELECT 1 FROM grants g WHERE g.id = c.grant_id AND g.revoked_at IS NULL)
     RETURNING c.code_hash
   ), won AS (
     SELECT i.* FROM input i JOIN consumed ON consumed.code_hash = i.code_hash
   ), family AS (
     INSERT INTO token_families (id, grant_id, client_id, user_id, scopes, resources, auth_time, created_at, expires_at, revoked_at, session_id)
     SELECT family_id, grant_id, client_id, user_id, family_scopes, resources, auth_time, family_created_at, family_expires_at, NULL, session_id
     FROM won
   ), first_token AS (
     INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                                 successor_response, successor_response_expires_at, dpop_jkt)
     SELECT token_id, token_hash, token_family_id, parent_id, 'active', token_scopes, token_created_at, token_expires_at, NULL, access_jti,
            access_expires_at, NULL, NULL, dpop_jkt
     FROM won WHERE token_id IS NOT NULL
   )
   SELECT code_hash AS won FROM consumed`,
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
// Whether each access token is revoked: its family revoked or gone, or its jti listed.
const areTokensRevoked = planned(
  `SELECT i.family_id, i.jti,
          (i.family_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM token_families WHERE id = i.family_id AND revoked_at IS NULL))
          OR EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = i.jti) AS revoked
   FROM unnest($1::text[], $2::text[]) AS i(family_id, jti)`,
);
const findCodes = planned(
  `SELECT c.code_hash, c.client_id, c.user_id, c.grant_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge, c.code_challenge_method,
          c.scopes, c.resources, c.nonce, c.auth_time, c.expires_at, c.consumed_at, c.family_id, c.session_id, c.dpop_jkt,
          g.id AS live_grant_id
   FROM authorization_codes c LEFT JOIN grants g ON g.id = c.grant_id AND g.revoked_at IS NULL
   WHERE c.code_hash = ANY($1::text[])`,
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

/** A rotation's parameters, in the order of `rotate`'s (and of `rotate_many`'s columns). */
function rotationValues(r: RefreshTokenRotation): unknown[] {
  const values = [r.rotatedAt, r.replayable, r.replayableUntil, r.rotatedId, ...refreshTokenValues(r.successor)];
  values.push(r.familyExpiresAt, r.revokedAccessToken?.jti ?? null, r.revokedAccessToken?.expiresAt ?? null);
  return values;
}

/** `rotate_many`'s column order: `rotate`'s parameters with the rotated token's id first. */
const ROTATE_MANY_ORDER = [3, 0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

const NO_REFRESH_TOKEN: unknown[] = Array.from({ length: 10 }, () => null);

/** A redemption's parameters, in the order of `redeem`'s. */
function redemptionValues({ codeHash, now, family, refreshToken }: CodeRedemption): unknown[] {
  return [
    now,
    codeHash,
    ...familyValues(family),
    ...(refreshToken ? refreshTokenValues(refreshToken) : NO_REFRESH_TOKEN),
  ];
}

/** `redeem_many`'s column order: `redeem`'s parameters with the code first. */
const REDEEM_MANY_ORDER = [1, 0, ...Array.from({ length: 20 }, (_, i) => i + 2)];

/** Rows of parameters as a `*_many` statement takes them: one array per column, in `order`. */
function columnsOf(rows: unknown[][], order: number[]): unknown[][] {
  return order.map((column) => rows.map((row) => row[column]));
}

/**
 * The statements of `TokenTransaction` on PostgreSQL as raw pg statements (named and prepared,
 * except those over arrays of keys): they keep SQLite's contract (token-store-contract.test.ts
 * runs both), without Kysely building and compiling them anew for every request. Parameters bind
 * by position, straight from the domain objects; rows become domain objects through the
 * repositories' row functions.
 * `run` says where they go: the pool, or the connection a unit holds (see token-store.ts).
 */
export class PostgresTokenStatements {
  readonly families: TokenFamilyStatements;
  readonly codes: AuthorizationCodeStatements;

  /**
   * The statements of reads outside any transaction (`TokenStore.read`): the lookups of one turn
   * of the event loop share one query each (lookup-batch.ts). The others run as they are.
   */
  static withBatchedLookups(run: RunStatement): PostgresTokenStatements {
    const statements = new PostgresTokenStatements(run);
    const refreshTokens = new LookupBatch(
      (hash: string) => hash,
      (hashes) => refreshTokensByHash(run, hashes),
    );
    const codes = new LookupBatch(
      (hash: string) => hash,
      (hashes) => codesByHash(run, hashes),
    );
    const revocations = new LookupBatch(
      ({ familyId, jti }: RevocationCheck) => revocationKey(familyId, jti),
      (checks) => revokedByKey(run, checks),
    );
    statements.families.findRefreshToken = (hash) => refreshTokens.get(hash);
    statements.codes.findByHash = (hash) => codes.get(hash);
    statements.families.isTokenRevoked = async (familyId, jti) =>
      (await revocations.get({ familyId: familyId ?? null, jti })) ?? false;
    return statements;
  }

  /**
   * Rotations from any number of units, run in batches of one statement each (`rotate_many`,
   * statement-batch.ts); a rotation's answer says whether it won, as `rotate`'s does.
   */
  static rotationBatch(run: RunStatement): StatementBatch<RefreshTokenRotation, boolean> {
    const alone = new PostgresTokenStatements(run);
    return compareAndSetBatch(run, {
      keyOf: (rotation) => rotation.rotatedId,
      statement: (rotations) => rotateMany(columnsOf(rotations.map(rotationValues), ROTATE_MANY_ORDER)),
      alone: (rotation) => alone.families.rotate(rotation),
    });
  }

  /** Redemptions from any number of units, in batches (`redeem_many`), as `rotationBatch` runs rotations. */
  static redemptionBatch(run: RunStatement): StatementBatch<CodeRedemption, boolean> {
    const alone = new PostgresTokenStatements(run);
    return compareAndSetBatch(run, {
      keyOf: (redemption) => redemption.codeHash,
      statement: (redemptions) => redeemMany(columnsOf(redemptions.map(redemptionValues), REDEEM_MANY_ORDER)),
      alone: (redemption) => alone.codes.redeem(redemption),
    });
  }

  constructor(run: RunStatement) {
    this.families = {
      findRefreshToken: async (tokenHash) => (await refreshTokensByHash(run, [tokenHash])).get(tokenHash),
      markRotated: async (id, now, replayable, replayableUntil) =>
        (await run(markRotated([now, replayable, replayableUntil, id]))).rowCount === 1,
      insertFamily: async (f) => void (await run(insertFamily(familyValues(f)))),
      insertRefreshToken: async (t) => void (await run(insertRefreshToken(refreshTokenValues(t)))),
      extendFamily: async (familyId, expiresAt) => void (await run(extendFamily([expiresAt, familyId]))),
      rotate: async (r) => (await run<{ rotated: number }>(rotate(rotationValues(r)))).rows[0]!.rotated === 1,
      revokeFamily: async (familyId, now) =>
        (await run<{ changed: number }>(revokeFamily([familyId, now]))).rows[0]!.changed > 0,
      revokeAccessToken: async (jti, expiresAt) => void (await run(revokeAccessToken([jti, expiresAt]))),
      isTokenRevoked: async (familyId, jti) =>
        (await revokedByKey(run, [{ familyId: familyId ?? null, jti }])).get(revocationKey(familyId ?? null, jti)) ??
        false,
    };
    this.codes = {
      findByHash: async (codeHash) => (await codesByHash(run, [codeHash])).get(codeHash),
      consume: async (codeHash, familyId, now) => (await run(consumeCode([now, familyId, codeHash]))).rowCount === 1,
      redeem: async (redemption) =>
        (await run<{ redeemed: number }>(redeem(redemptionValues(redemption)))).rows[0]!.redeemed === 1,
    };
  }
}

/**
 * Compare-and-set writes in batches: `statement` writes every input that wins and returns its key
 * as `won`; `alone` is the same write for one input.
 */
function compareAndSetBatch<I>(
  run: RunStatement,
  options: {
    keyOf: (input: I) => string;
    statement: (inputs: I[]) => pg.QueryConfig;
    alone: (input: I) => Promise<boolean>;
  },
): StatementBatch<I, boolean> {
  return new StatementBatch({
    keyOf: options.keyOf,
    runMany: async (inputs) => {
      const { rows } = await run<{ won: string }>(options.statement(inputs));
      const won = new Set(rows.map((row) => row.won));
      return inputs.map((input) => won.has(options.keyOf(input)));
    },
    runOne: options.alone,
  });
}

/** Refresh tokens with their families, by hash (those found). */
async function refreshTokensByHash(run: RunStatement, hashes: string[]): Promise<Map<string, RefreshTokenRecord>> {
  const { rows } = await run<RefreshTokenRow & { token_hash: string }>(findRefreshTokens([hashes]));
  return new Map(rows.map((row) => [row.token_hash, refreshTokenFromRow(row)]));
}

/** Codes by hash (those found). */
async function codesByHash(run: RunStatement, hashes: string[]): Promise<Map<string, AuthorizationCode>> {
  const { rows } = await run<AuthorizationCodeRow>(findCodes([hashes]));
  return new Map(rows.map((row) => [row.code_hash, codeFromRow(row)]));
}

interface RevocationCheck {
  familyId: string | null;
  jti: string;
}

/** Whether each access token is revoked, by `revocationKey`. */
async function revokedByKey(run: RunStatement, checks: RevocationCheck[]): Promise<Map<string, boolean>> {
  const familyIds = checks.map((check) => check.familyId);
  const jtis = checks.map((check) => check.jti);
  const { rows } = await run<{ family_id: string | null; jti: string; revoked: boolean }>(
    areTokensRevoked([familyIds, jtis]),
  );
  return new Map(rows.map((row) => [revocationKey(row.family_id, row.jti), row.revoked]));
}

/** A revocation check's identity in a batch: family ids and jtis never hold a NUL. */
const revocationKey = (familyId: string | null, jti: string) => `${familyId ?? ''}\u0000${jti}`;
