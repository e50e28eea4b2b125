import type { RefreshTokensTable, TokenFamiliesTable } from '../../src/kernel/db/schema.ts';

/** A token family's row as the token endpoint stores it, for tests that write the tables directly. */
export function familyRow(
  clientId: string,
  id: string,
  expiresAt: number,
  rest: Partial<TokenFamiliesTable> = {},
): TokenFamiliesTable {
  return {
    id,
    grant_id: null,
    client_id: clientId,
    user_id: null,
    scopes: '[]',
    resources: '[]',
    auth_time: null,
    created_at: 1,
    expires_at: expiresAt,
    revoked_at: null,
    ...rest,
  };
}

/** An active refresh token's row in `familyId`, its hash made from its id unless given. */
export function refreshTokenRow(
  id: string,
  familyId: string,
  expiresAt: number,
  rest: Partial<RefreshTokensTable> = {},
): RefreshTokensTable {
  return {
    id,
    token_hash: `hash-${id}`,
    family_id: familyId,
    parent_id: null,
    status: 'active',
    scopes: '[]',
    created_at: 1,
    expires_at: expiresAt,
    rotated_at: null,
    access_jti: null,
    access_expires_at: null,
    successor_response: null,
    successor_response_expires_at: null,
    dpop_jkt: null,
    ...rest,
  };
}
