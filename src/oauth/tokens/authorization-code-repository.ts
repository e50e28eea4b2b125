import type { Db } from '../../kernel/db/database.ts';
import type { AuthorizationCodesTable } from '../../kernel/db/schema.ts';
import { fromJsonList } from '../../kernel/json-list.ts';
import type { NewRefreshToken, NewTokenFamily } from './token-family-repository.ts';

/** A stored code: what was issued, and what became of it. */
export interface AuthorizationCode extends NewAuthorizationCode {
  consumedAt: number | null;
  familyId: string | null;
  /** The consent grant the code was issued under has been revoked since. */
  grantRevoked: boolean;
}

/** A code as the authorization endpoint issues it: not yet consumed, no family yet. */
export interface NewAuthorizationCode {
  codeHash: string;
  clientId: string;
  userId: string;
  grantId: string;
  redirectUri: string;
  /** The authorization request carried redirect_uri, so the token request must repeat it. */
  redirectUriSent: boolean;
  codeChallenge: string | null;
  codeChallengeMethod: string | null;
  scopes: string[];
  resources: string[];
  nonce: string | null;
  authTime: number;
  /** The sign-in session it was issued in (the ID token's `sid`); null for codes from before logout support. */
  sessionId?: string | null;
  /** RFC 9449 §10: only a DPoP proof by this key redeems the code; null when unbound. */
  dpopJkt?: string | null;
  expiresAt: number;
}

/** A code row as `findByHash` selects it: with the id of its grant when that grant is still active. */
export type AuthorizationCodeRow = AuthorizationCodesTable & { live_grant_id: string | null };

/** Codes through Kysely, beside the token endpoint's hot path (see token-store.ts): issuing them, and the grant's revocation. */
export class AuthorizationCodeRepository {
  constructor(private readonly db: Db) {}

  async insert(code: NewAuthorizationCode): Promise<void> {
    await this.db.insertInto('authorization_codes').values(codeRow(code)).execute();
  }

  /** Invalidates the outstanding codes of a revoked grant (marked used, with no family). */
  async consumeAllOfGrant(grantId: string, now: number): Promise<void> {
    await this.db
      .updateTable('authorization_codes')
      .set({ consumed_at: now })
      .where('grant_id', '=', grantId)
      .where('consumed_at', 'is', null)
      .execute();
  }
}

/** The codes side of `TokenTransaction` (token-store.ts). */
export interface AuthorizationCodeStatements {
  findByHash(codeHash: string): Promise<AuthorizationCode | undefined>;
  /**
   * Marks the code used and names the token family it will produce, atomically: only one
   * redemption wins, and only while the code's grant is still active.
   */
  consume(codeHash: string, familyId: string, now: number): Promise<boolean>;
  /**
   * The code grant's write: `consume` and, only when it wins, the family the code starts and its
   * first refresh token — all of it or nothing (one statement on PostgreSQL, so the unit needs no
   * transaction around it: `TokenStore.transactOne`).
   */
  redeem(redemption: CodeRedemption): Promise<boolean>;
}

/** A redemption as the code grant commits it. */
export interface CodeRedemption {
  codeHash: string;
  now: number;
  /** The family the code starts; its id is recorded on the code. */
  family: NewTokenFamily;
  /** The family's first refresh token, when the client may refresh; else null. */
  refreshToken: NewRefreshToken | null;
}

/** The row of a new code (columns in the order of `authorization_codes`). */
export function codeRow(code: NewAuthorizationCode): AuthorizationCodesTable {
  return {
    code_hash: code.codeHash,
    client_id: code.clientId,
    user_id: code.userId,
    grant_id: code.grantId,
    redirect_uri: code.redirectUri,
    redirect_uri_sent: code.redirectUriSent ? 1 : 0,
    code_challenge: code.codeChallenge,
    code_challenge_method: code.codeChallengeMethod,
    scopes: JSON.stringify(code.scopes),
    resources: JSON.stringify(code.resources),
    nonce: code.nonce,
    auth_time: code.authTime,
    expires_at: code.expiresAt,
    consumed_at: null,
    family_id: null,
    session_id: code.sessionId ?? null,
    dpop_jkt: code.dpopJkt ?? null,
  };
}

export function codeFromRow(row: AuthorizationCodeRow): AuthorizationCode {
  return {
    codeHash: row.code_hash,
    clientId: row.client_id,
    userId: row.user_id,
    grantId: row.grant_id,
    redirectUri: row.redirect_uri,
    redirectUriSent: row.redirect_uri_sent === 1,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method,
    scopes: fromJsonList(row.scopes),
    resources: fromJsonList(row.resources),
    nonce: row.nonce,
    authTime: row.auth_time,
    ...(row.session_id ? { sessionId: row.session_id } : {}),
    ...(row.dpop_jkt ? { dpopJkt: row.dpop_jkt } : {}),
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    familyId: row.family_id,
    grantRevoked: row.live_grant_id === null,
  };
}
