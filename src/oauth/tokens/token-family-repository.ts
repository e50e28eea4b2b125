import type { Db } from '../../kernel/db/database.ts';
import type { RefreshTokensTable, TokenFamiliesTable } from '../../kernel/db/schema.ts';
import { fromJsonList } from '../../kernel/json-list.ts';

/** The tokens descending from one authorization code: one family, revoked as a whole. */
export interface TokenFamily {
  id: string;
  grantId: string | null;
  clientId: string;
  userId: string | null;
  scopes: string[];
  resources: string[];
  authTime: number | null;
  /** The sign-in session the family's code was issued in: `sid` of ID tokens issued at refresh. */
  sessionId: string | null;
  expiresAt: number;
  revokedAt: number | null;
}

/** A family as a code redemption starts it (not revoked). */
export interface NewTokenFamily {
  id: string;
  grantId: string | null;
  clientId: string;
  userId: string | null;
  scopes: string[];
  resources: string[];
  authTime: number | null;
  /** The sign-in session behind it, when a browser session issued its code; else null. */
  sessionId?: string | null;
  createdAt: number;
  expiresAt: number;
}

/** A refresh token as it is issued: active, not rotated, with nothing recorded for a replay. */
export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  familyId: string;
  /** The token it replaces (rotation), or null for the family's first. */
  parentId: string | null;
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  /** The access token issued with it, revoked when it rotates where the profile says so. */
  accessJti: string | null;
  accessExpiresAt: number | null;
  /** The DPoP key a public client's refresh token is bound to (RFC 9449 §5), else null. */
  dpopJkt: string | null;
}

export interface RefreshTokenRecord {
  /** The family was issued under a consent grant that has been revoked since. */
  grantRevoked: boolean;
  id: string;
  familyId: string;
  status: RefreshTokensTable['status'];
  scopes: string[];
  createdAt: number;
  expiresAt: number;
  rotatedAt: number | null;
  accessJti: string | null;
  accessExpiresAt: number | null;
  /** What a replay inside the grace window is checked against (see `refresh_tokens.successor_response`). */
  successorResponse: string | null;
  successorResponseExpiresAt: number | null;
  /** Only a proof made with this DPoP key may refresh it (RFC 9449 §5); null: unbound. */
  dpopJkt: string | null;
  family: TokenFamily;
}

/**
 * Families through Kysely, beside the token endpoint's hot path (whose units run on the token
 * store's prepared statements: token-store.ts): revocations and their cached checks, the device grant.
 */
export class TokenFamilyRepository {
  constructor(private readonly db: Db) {}

  async insertFamily(family: NewTokenFamily): Promise<void> {
    await this.db.insertInto('token_families').values(familyRow(family)).execute();
  }

  async insertRefreshToken(token: NewRefreshToken): Promise<void> {
    await this.db.insertInto('refresh_tokens').values(refreshTokenRow(token)).execute();
  }

  async findFamily(id: string): Promise<TokenFamily | undefined> {
    const row = await this.db.selectFrom('token_families').selectAll().where('id', '=', id).executeTakeFirst();
    return row && familyFromRow(row);
  }

  /** Revokes a family and every refresh token in it; returns whether anything changed. */
  async revokeFamily(familyId: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('token_families')
      .set({ revoked_at: now })
      .where('id', '=', familyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await this.db
      .updateTable('refresh_tokens')
      .set({ status: 'revoked', successor_response: null })
      .where('family_id', '=', familyId)
      .where('status', '!=', 'revoked')
      .execute();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Revokes every family issued under a consent grant; returns their ids. */
  async revokeFamiliesOfGrant(grantId: string, now: number): Promise<string[]> {
    const families = await this.db
      .selectFrom('token_families')
      .select('id')
      .where('grant_id', '=', grantId)
      .where('revoked_at', 'is', null)
      .execute();
    for (const { id } of families) await this.revokeFamily(id, now);
    return families.map((f) => f.id);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('revoked_access_tokens')
      .values({ jti, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isFamilyRevoked(familyId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('token_families')
      .select('revoked_at')
      .where('id', '=', familyId)
      .executeTakeFirst();
    return !row || row.revoked_at !== null;
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('revoked_access_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return Boolean(row);
  }
}

/** The families side of `TokenTransaction` (token-store.ts). */
export interface TokenFamilyStatements {
  /** The refresh token with its family, in one query (the hot path of the refresh grant). */
  findRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined>;
  /**
   * The compare-and-set at the heart of rotation: only the request that flips the token from
   * active to rotated wins; it also records what a replay inside the grace window is checked
   * against, until `replayableUntil`.
   */
  markRotated(id: string, now: number, replayable: string | null, replayableUntil: number | null): Promise<boolean>;
  insertFamily(family: NewTokenFamily): Promise<void>;
  insertRefreshToken(token: NewRefreshToken): Promise<void>;
  /** Refresh tokens slide: the family lives as long as its newest refresh token. */
  extendFamily(familyId: string, expiresAt: number): Promise<void>;
  /**
   * The refresh grant's write: `markRotated` and, only when it wins, the successor, the family's
   * new expiry and the old access token's revocation — all of it or nothing (one statement on
   * PostgreSQL, so the unit needs no transaction around it: `TokenStore.transactOne`).
   */
  rotate(rotation: RefreshTokenRotation): Promise<boolean>;
  /** Revokes a family and every refresh token in it; returns whether anything changed. */
  revokeFamily(familyId: string, now: number): Promise<boolean>;
  /** Records an access token as revoked until it expires (idempotent). */
  revokeAccessToken(jti: string, expiresAt: number): Promise<void>;
  /** Whether an access token's family (gone counts as revoked) or the token itself is revoked: one read. */
  isTokenRevoked(familyId: string | undefined, jti: string): Promise<boolean>;
}

/** A rotation as the refresh grant commits it: the old token's compare-and-set, and what comes with winning it. */
export interface RefreshTokenRotation {
  /** The token rotated away: the rotation wins only while it is still active. */
  rotatedId: string;
  rotatedAt: number;
  /** What a replay inside the grace window is checked against, and until when (null: no window). */
  replayable: string | null;
  replayableUntil: number | null;
  successor: NewRefreshToken;
  /** The family's new expiry when it slides with the successor; null leaves it as it is. */
  familyExpiresAt: number | null;
  /** The rotated token's access token, revoked with it where the profile says so; else null. */
  revokedAccessToken: { jti: string; expiresAt: number } | null;
}

/** The row of a new family (columns in the order of `token_families`). */
export function familyRow(family: NewTokenFamily): TokenFamiliesTable {
  return {
    id: family.id,
    grant_id: family.grantId,
    client_id: family.clientId,
    user_id: family.userId,
    scopes: JSON.stringify(family.scopes),
    resources: JSON.stringify(family.resources),
    auth_time: family.authTime,
    created_at: family.createdAt,
    expires_at: family.expiresAt,
    revoked_at: null,
    session_id: family.sessionId ?? null,
  };
}

/** The row of a new refresh token (columns in the order of `refresh_tokens`). */
export function refreshTokenRow(token: NewRefreshToken): RefreshTokensTable {
  return {
    id: token.id,
    token_hash: token.tokenHash,
    family_id: token.familyId,
    parent_id: token.parentId,
    status: 'active',
    scopes: JSON.stringify(token.scopes),
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    rotated_at: null,
    access_jti: token.accessJti,
    access_expires_at: token.accessExpiresAt,
    successor_response: null,
    successor_response_expires_at: null,
    dpop_jkt: token.dpopJkt,
  };
}

/** A refresh token joined with its family, as `findRefreshToken` selects it. */
export type RefreshTokenRow = Omit<RefreshTokensTable, 'token_hash' | 'parent_id'> &
  Pick<
    TokenFamiliesTable,
    'grant_id' | 'client_id' | 'user_id' | 'resources' | 'auth_time' | 'revoked_at' | 'session_id'
  > & {
    family_scopes: TokenFamiliesTable['scopes'];
    family_expires_at: TokenFamiliesTable['expires_at'];
    /** The family's grant id when that grant is still active, else null. */
    live_grant_id: string | null;
  };

export function refreshTokenFromRow(row: RefreshTokenRow): RefreshTokenRecord {
  return {
    grantRevoked: row.grant_id !== null && row.live_grant_id === null,
    id: row.id,
    familyId: row.family_id,
    status: row.status,
    scopes: fromJsonList(row.scopes),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    rotatedAt: row.rotated_at,
    accessJti: row.access_jti,
    accessExpiresAt: row.access_expires_at,
    successorResponse: row.successor_response,
    successorResponseExpiresAt: row.successor_response_expires_at,
    dpopJkt: row.dpop_jkt ?? null,
    family: {
      id: row.family_id,
      grantId: row.grant_id,
      clientId: row.client_id,
      userId: row.user_id,
      scopes: fromJsonList(row.family_scopes),
      resources: fromJsonList(row.resources),
      authTime: row.auth_time,
      sessionId: row.session_id ?? null,
      expiresAt: row.family_expires_at,
      revokedAt: row.revoked_at,
    },
  };
}

function familyFromRow(row: TokenFamiliesTable): TokenFamily {
  return {
    id: row.id,
    grantId: row.grant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scopes: fromJsonList(row.scopes),
    resources: fromJsonList(row.resources),
    authTime: row.auth_time,
    sessionId: row.session_id ?? null,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}
