import type { OAuthContext } from '../oauth-context.ts';
import { hasSecret } from '../clients/auth-methods.ts';
import type { Client } from '../clients/client.ts';
import { registeredMetadata } from './registration-request.ts';

/** The client information response (RFC 7591 §3.2.1, RFC 7592 §3): what was registered, nothing else. */
export function registrationResponse(
  ctx: OAuthContext,
  client: Client,
  secrets: { clientSecret?: string; registrationToken?: string },
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    ...registeredMetadata(client.metadata ?? {}),
    client_id: client.id,
    client_id_issued_at: Math.floor(client.createdAt / 1000),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    response_types: client.grantTypes.includes('authorization_code') ? ['code'] : [],
    token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    require_pushed_authorization_requests: client.requirePushedAuthorizationRequests,
    dpop_bound_access_tokens: client.dpopBoundAccessTokens,
    fapi2: client.fapi2,
    application_type: client.applicationType,
    scope: client.allowedScopes.join(' '),
    registration_client_uri: `${ctx.config.ISSUER}/oauth/register/${encodeURIComponent(client.id)}`,
  };
  if (client.logoUri) body.logo_uri = client.logoUri;
  delete body.post_logout_redirect_uris;
  delete body.backchannel_logout_uri;
  delete body.backchannel_logout_session_required;
  if (client.postLogoutRedirectUris.length > 0) body.post_logout_redirect_uris = client.postLogoutRedirectUris;
  if (client.backchannelLogoutUri) {
    body.backchannel_logout_uri = client.backchannelLogoutUri;
    body.backchannel_logout_session_required = client.backchannelLogoutSessionRequired;
  }
  if (client.jwks) body.jwks = client.jwks;
  if (client.jwksUri) body.jwks_uri = client.jwksUri;
  if (hasSecret(client.tokenEndpointAuthMethod))
    body.client_secret_expires_at = client.secretExpiresAt ? Math.floor(client.secretExpiresAt / 1000) : 0;
  if (secrets.clientSecret) body.client_secret = secrets.clientSecret;
  if (secrets.registrationToken) body.registration_access_token = secrets.registrationToken;
  return body;
}
