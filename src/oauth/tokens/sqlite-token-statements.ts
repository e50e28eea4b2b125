import type BetterSqlite3 from 'better-sqlite3';
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

/**
 * The statements of `TokenTransaction` on SQLite, prepared once and run synchronously: the
 * same SQL the Kysely repositories build (test/oauth/token-store-contract.test.ts runs both),
 * without building it anew for every request. Parameters bind by position, straight from the
 * domain objects: no row object is built on the way. Used only inside `SqliteGroupCommit`
 * units (see token-store.ts).
 */
export class SqliteTokenStatements {
  readonly families: TokenFamilyStatements;
  readonly codes: AuthorizationCodeStatements;

  constructor(sqlite: BetterSqlite3.Database) {
    // Values in an array, in this order (see refreshTokenRowOf): better-sqlite3 sets a row
    // object's 22 properties one by one from C++, which was nearly half of this read's cost.
    const findRefreshToken = sqlite
      .prepare<[string], RefreshTokenValues>(
        `
      SELECT r.id, r.family_id, r.status, r.scopes, r.created_at, r.expires_at, r.rotated_at, r.access_jti, r.access_expires_at,
             r.successor_response, r.successor_response_expires_at, r.dpop_jkt,
             f.grant_id, f.client_id, f.user_id, f.scopes, f.resources, f.auth_time, f.session_id, f.expires_at, f.revoked_at,
             g.id
      FROM refresh_tokens r JOIN token_families f ON f.id = r.family_id
      LEFT JOIN grants g ON g.id = f.grant_id AND g.revoked_at IS NULL
      WHERE r.token_hash = ?`,
      )
      .raw();
    const markRotated = sqlite.prepare<[number, string | null, number | null, string]>(
      `UPDATE refresh_tokens SET status = 'rotated', rotated_at = ?, successor_response = ?, successor_response_expires_at = ? WHERE id = ? AND status = 'active'`,
    );
    const insertFamily = sqlite.prepare<
      [string, string | null, string, string | null, string, string, number | null, number, number, string | null]
    >(`
      INSERT INTO token_families (id, grant_id, client_id, user_id, scopes, resources, auth_time, created_at, expires_at, revoked_at, session_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`);
    const insertRefreshToken = sqlite.prepare<
      [string, string, string, string | null, string, number, number, string | null, number | null, string | null]
    >(`
      INSERT INTO refresh_tokens (id, token_hash, family_id, parent_id, status, scopes, created_at, expires_at, rotated_at, access_jti, access_expires_at,
                                  successor_response, successor_response_expires_at, dpop_jkt)
      VALUES (?, ?, ?, ?, 'active', ?, ?, ?, NULL, ?, ?, NULL, NULL, ?)`);
    const extendFamily = sqlite.prepare<[number, string]>('UPDATE token_families SET expires_at = ? WHERE id = ?');
    const revokeFamily = sqlite.prepare<[number, string]>(
      'UPDATE token_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    const revokeFamilyTokens = sqlite.prepare<[string]>(
      `UPDATE refresh_tokens SET status = 'revoked', successor_response = NULL WHERE family_id = ? AND status != 'revoked'`,
    );
    const revokeAccessToken = sqlite.prepare<[string, number]>(
      'INSERT INTO revoked_access_tokens (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING',
    );
    // The one value, not a row object around it: introspection reads this for every token.
    const isTokenRevoked = sqlite
      .prepare<[string | null, string | null, string], number>(
        `SELECT (? IS NOT NULL AND NOT EXISTS (SELECT 1 FROM token_families WHERE id = ? AND revoked_at IS NULL))
             OR EXISTS (SELECT 1 FROM revoked_access_tokens WHERE jti = ?)`,
      )
      .pluck();
    // An array again, in this order (see codeRowOf).
    const findCode = sqlite
      .prepare<[string], CodeValues>(
        `
      SELECT c.code_hash, c.client_id, c.user_id, c.grant_id, c.redirect_uri, c.redirect_uri_sent, c.code_challenge,
             c.code_challenge_method, c.scopes, c.resources, c.nonce, c.auth_time, c.expires_at, c.consumed_at,
             c.family_id, c.session_id, c.dpop_jkt, g.id
      FROM authorization_codes c LEFT JOIN grants g ON g.id = c.grant_id AND g.revoked_at IS NULL
      WHERE c.code_hash = ?`,
      )
      .raw();
    const consumeCode = sqlite.prepare<[number, string, string]>(`
      UPDATE authorization_codes SET consumed_at = ?, family_id = ? WHERE code_hash = ? AND consumed_at IS NULL
        AND EXISTS (SELECT 1 FROM grants g WHERE g.id = authorization_codes.grant_id AND g.revoked_at IS NULL)`);

    const addFamily = (f: NewTokenFamily) =>
      insertFamily.run(
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
      );
    const addRefreshToken = (t: NewRefreshToken) =>
      insertRefreshToken.run(
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
      );

    this.families = {
      findRefreshToken: async (tokenHash): Promise<RefreshTokenRecord | undefined> => {
        const values = findRefreshToken.get(tokenHash);
        return values && refreshTokenFromRow(refreshTokenRowOf(values));
      },
      markRotated: async (id, now, replayable, replayableUntil) =>
        markRotated.run(now, replayable, replayableUntil, id).changes === 1,
      insertFamily: async (f) => void addFamily(f),
      insertRefreshToken: async (t) => void addRefreshToken(t),
      extendFamily: async (familyId, expiresAt) => void extendFamily.run(expiresAt, familyId),
      // Statement by statement: the group commit's savepoint makes the unit all or nothing.
      rotate: async (r) => {
        if (markRotated.run(r.rotatedAt, r.replayable, r.replayableUntil, r.rotatedId).changes !== 1) return false;
        addRefreshToken(r.successor);
        if (r.familyExpiresAt !== null) extendFamily.run(r.familyExpiresAt, r.successor.familyId);
        if (r.revokedAccessToken) revokeAccessToken.run(r.revokedAccessToken.jti, r.revokedAccessToken.expiresAt);
        return true;
      },
      revokeFamily: async (familyId, now) => {
        const changed = revokeFamily.run(now, familyId).changes > 0;
        revokeFamilyTokens.run(familyId);
        return changed;
      },
      revokeAccessToken: async (jti, expiresAt) => void revokeAccessToken.run(jti, expiresAt),
      isTokenRevoked: async (familyId, jti) => isTokenRevoked.get(familyId ?? null, familyId ?? null, jti) === 1,
    };
    this.codes = {
      findByHash: async (codeHash): Promise<AuthorizationCode | undefined> => {
        const values = findCode.get(codeHash);
        return values && codeFromRow(codeRowOf(values));
      },
      consume: async (codeHash, familyId, now) => consumeCode.run(now, familyId, codeHash).changes === 1,
      redeem: async ({ codeHash, now, family, refreshToken }) => {
        if (consumeCode.run(now, family.id, codeHash).changes !== 1) return false;
        addFamily(family);
        if (refreshToken) addRefreshToken(refreshToken);
        return true;
      },
    };
  }
}

/** findRefreshToken's columns, in its SELECT's order. */
type RefreshTokenValues = [
  RefreshTokenRow['id'],
  RefreshTokenRow['family_id'],
  RefreshTokenRow['status'],
  RefreshTokenRow['scopes'],
  RefreshTokenRow['created_at'],
  RefreshTokenRow['expires_at'],
  RefreshTokenRow['rotated_at'],
  RefreshTokenRow['access_jti'],
  RefreshTokenRow['access_expires_at'],
  RefreshTokenRow['successor_response'],
  RefreshTokenRow['successor_response_expires_at'],
  RefreshTokenRow['dpop_jkt'],
  RefreshTokenRow['grant_id'],
  RefreshTokenRow['client_id'],
  RefreshTokenRow['user_id'],
  RefreshTokenRow['family_scopes'],
  RefreshTokenRow['resources'],
  RefreshTokenRow['auth_time'],
  RefreshTokenRow['session_id'],
  RefreshTokenRow['family_expires_at'],
  RefreshTokenRow['revoked_at'],
  RefreshTokenRow['live_grant_id'],
];

function refreshTokenRowOf(v: RefreshTokenValues): RefreshTokenRow {
  return {
    id: v[0],
    family_id: v[1],
    status: v[2],
    scopes: v[3],
    created_at: v[4],
    expires_at: v[5],
    rotated_at: v[6],
    access_jti: v[7],
    access_expires_at: v[8],
    successor_response: v[9],
    successor_response_expires_at: v[10],
    dpop_jkt: v[11],
    grant_id: v[12],
    client_id: v[13],
    user_id: v[14],
    family_scopes: v[15],
    resources: v[16],
    auth_time: v[17],
    session_id: v[18],
    family_expires_at: v[19],
    revoked_at: v[20],
    live_grant_id: v[21],
  };
}

/** findCode's columns, in its SELECT's order. */
type CodeValues = [
  AuthorizationCodeRow['code_hash'],
  AuthorizationCodeRow['client_id'],
  AuthorizationCodeRow['user_id'],
  AuthorizationCodeRow['grant_id'],
  AuthorizationCodeRow['redirect_uri'],
  AuthorizationCodeRow['redirect_uri_sent'],
  AuthorizationCodeRow['code_challenge'],
  AuthorizationCodeRow['code_challenge_method'],
  AuthorizationCodeRow['scopes'],
  AuthorizationCodeRow['resources'],
  AuthorizationCodeRow['nonce'],
  AuthorizationCodeRow['auth_time'],
  AuthorizationCodeRow['expires_at'],
  AuthorizationCodeRow['consumed_at'],
  AuthorizationCodeRow['family_id'],
  AuthorizationCodeRow['session_id'],
  AuthorizationCodeRow['dpop_jkt'],
  AuthorizationCodeRow['live_grant_id'],
];

function codeRowOf(v: CodeValues): AuthorizationCodeRow {
  return {
    code_hash: v[0],
    client_id: v[1],
    user_id: v[2],
    grant_id: v[3],
    redirect_uri: v[4],
    redirect_uri_sent: v[5],
    code_challenge: v[6],
    code_challenge_method: v[7],
    scopes: v[8],
    resources: v[9],
    nonce: v[10],
    auth_time: v[11],
    expires_at: v[12],
    consumed_at: v[13],
    family_id: v[14],
    session_id: v[15],
    dpop_jkt: v[16],
    live_grant_id: v[17],
  };
}
