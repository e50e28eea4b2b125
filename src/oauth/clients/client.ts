import type { JSONWebKeySet } from 'jose';
import type { ClientsTable } from '../../kernel/db/schema.ts';
import { fromJsonList } from '../../kernel/json-list.ts';
import { isTokenEndpointAuthMethod, type TokenEndpointAuthMethod } from './auth-methods.ts';

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
  /** How it authenticates at the token, PAR, revocation and introspection endpoints. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Its public keys by value, or where to fetch them (never both). */
  jwks: JSONWebKeySet | null;
  jwksUri: string | null;
  /** client_secret_jwt only: the secret, sealed with the `client-secrets` box. */
  secretSealed: string | null;
  /** The one JWS alg its request objects / client assertions must use, when it registered one. */
  requestObjectSigningAlg: string | null;
  tokenEndpointAuthSigningAlg: string | null;
  /** RFC 9126 §6: authorization requests only through /oauth/par (always so under FAPI 2.0). */
  requirePushedAuthorizationRequests: boolean;
  /** RFC 9449 §5.2: every token request carries a DPoP proof (always so under FAPI 2.0). */
  dpopBoundAccessTokens: boolean;
  /** The FAPI 2.0 Security Profile applies to all it does (see fapi2.ts); no request can turn it off. */
  fapi2: boolean;
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
    tokenEndpointAuthMethod: authMethodOf(row),
    jwks: row.jwks ? (JSON.parse(row.jwks) as JSONWebKeySet) : null,
    jwksUri: row.jwks_uri ?? null,
    secretSealed: row.secret_sealed ?? null,
    requestObjectSigningAlg: row.request_object_signing_alg ?? null,
    tokenEndpointAuthSigningAlg: row.token_endpoint_auth_signing_alg ?? null,
    // What FAPI 2.0 implies holds whatever the other columns say: the flag alone decides.
    requirePushedAuthorizationRequests: row.require_pushed_authorization_requests === 1 || row.fapi2 === 1,
    dpopBoundAccessTokens: row.dpop_bound_access_tokens === 1 || row.fapi2 === 1,
    fapi2: row.fapi2 === 1,
  };
}

/** Rows from before the method was stored: public clients use none, confidential ones a secret. */
function authMethodOf(row: ClientsTable): TokenEndpointAuthMethod {
  const stored = row.token_endpoint_auth_method;
  if (stored && isTokenEndpointAuthMethod(stored)) return stored;
  return row.type === 'public' ? 'none' : 'client_secret_basic';
}
