import type { ClientsTable } from '../../kernel/db/schema.ts';
import { fromJsonList } from '../../kernel/json-list.ts';

export type ClientType = 'public' | 'confidential';

export interface Client {
  id: string;
  name: string;
  type: ClientType;
  secretHash: string | null;
  secretExpiresAt: number | null;
  redirectUris: string[];
  allowedScopes: string[];
  defaultScopes: string[];
  grantTypes: string[];
  logoUri: string | null;
  allowPlainPkce: boolean;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  ownerUserId: string | null;
  createdAt: number;
  registeredVia: string;
  applicationType: string;
  registrationTokenHash: string | null;
  metadata: Record<string, unknown> | null;
  metadataExpiresAt: number | null;
  /** An operator vouches for it; otherwise the consent page says the app is unverified. */
  verified: boolean;
  /** RP-Initiated Logout: where the browser may be sent after signing out (exact match). */
  postLogoutRedirectUris: string[];
  /** Back-Channel Logout: where logout tokens are POSTed; null when the app wants none. */
  backchannelLogoutUri: string | null;
  backchannelLogoutSessionRequired: boolean;
}

export function clientFromRow(row: ClientsTable): Client {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    secretHash: row.secret_hash,
    secretExpiresAt: row.secret_expires_at,
    redirectUris: fromJsonList(row.redirect_uris),
    allowedScopes: fromJsonList(row.allowed_scopes),
    defaultScopes: fromJsonList(row.default_scopes),
    grantTypes: fromJsonList(row.grant_types),
    logoUri: row.logo_uri,
    allowPlainPkce: row.allow_plain_pkce === 1,
    accessTokenTtl: row.access_token_ttl,
    refreshTokenTtl: row.refresh_token_ttl,
    ownerUserId: row.owner_user_id,
    createdAt: row.created_at,
    registeredVia: row.registered_via ?? 'console',
    applicationType: row.application_type ?? 'web',
    registrationTokenHash: row.registration_token_hash ?? null,
    metadata: row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : null,
    metadataExpiresAt: row.metadata_expires_at ?? null,
    verified: row.verified === 1,
    postLogoutRedirectUris: fromJsonList(row.post_logout_redirect_uris ?? '[]'),
    backchannelLogoutUri: row.backchannel_logout_uri ?? null,
    backchannelLogoutSessionRequired: row.backchannel_logout_session_required === 1,
  };
}
