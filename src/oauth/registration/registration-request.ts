import type { NewClient } from '../clients/client-service.ts';
import { isTokenEndpointAuthMethod, TOKEN_ENDPOINT_AUTH_METHODS } from '../clients/auth-methods.ts';
import { parseScope } from '../checks/check-scope.ts';
import { InvalidClientMetadataError, InvalidSoftwareStatement } from './registration-errors.ts';

// request_uris: request objects are taken by value or through /oauth/par, never fetched from a URL.
const UNSUPPORTED = ['request_uris', 'sector_identifier_uri'];

/**
 * The client metadata this server registers (RFC 7591 §2, OIDC Registration's application_type).
 * Anything else a request carries is ignored (§2) — neither stored nor echoed (§3.2.1): a
 * response never claims that `allow_plain_pkce` or a token lifetime was registered.
 */
export const REGISTERED_METADATA = [
  'client_name',
  'redirect_uris',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'application_type',
  'scope',
  'logo_uri',
  'client_uri',
  'policy_uri',
  'tos_uri',
  'contacts',
  'software_id',
  'software_version',
  'dpop_bound_access_tokens',
  'post_logout_redirect_uris',
  'backchannel_logout_uri',
  'backchannel_logout_session_required',
  'jwks',
  'jwks_uri',
  'token_endpoint_auth_signing_alg',
  'request_object_signing_alg',
  'require_pushed_authorization_requests',
  'fapi2',
] as const;

/** The registered subset of some metadata. */
export function registeredMetadata(metadata: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const name of REGISTERED_METADATA)
    if (metadata[name] !== undefined && metadata[name] !== null) kept[name] = metadata[name];
  return kept;
}

/**
 * Turns RFC 7591 client metadata into a client registration, refusing what this server does not
 * do rather than silently ignoring it. Defaults follow RFC 7591 §2 (authorization_code,
 * client_secret_basic) and OIDC Registration (application_type web, native for public clients).
 * @see https://www.rfc-editor.org/rfc/rfc7591#section-2
 */
export function readRegistrationRequest(body: unknown): { client: NewClient; metadata: Record<string, unknown> } {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    throw new InvalidClientMetadataError('the request body must be a JSON object');
  const metadata = body as Record<string, unknown>;
  if (metadata.software_statement !== undefined)
    throw new InvalidSoftwareStatement('software statements are not supported');
  for (const name of UNSUPPORTED) {
    if (metadata[name] !== undefined) throw new InvalidClientMetadataError(`${name} is not supported`);
  }
  const authMethod = optionalString(metadata, 'token_endpoint_auth_method') ?? 'client_secret_basic';
  if (!isTokenEndpointAuthMethod(authMethod))
    throw new InvalidClientMetadataError(
      `token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')}`,
    );
  // RFC 7591 §2: the two MUST NOT both be present. (The keys themselves are checked with every client's.)
  if (metadata.jwks != null && metadata.jwks_uri != null)
    throw new InvalidClientMetadataError('jwks and jwks_uri are mutually exclusive');
  const requirePar = optionalBoolean(metadata, 'require_pushed_authorization_requests');
  const dpopBound = optionalBoolean(metadata, 'dpop_bound_access_tokens');
  const fapi2 = optionalBoolean(metadata, 'fapi2') ?? false;
  // FAPI 2.0 implies both; a registration saying otherwise contradicts itself.
  if (fapi2 && (requirePar === false || dpopBound === false))
    throw new InvalidClientMetadataError(
      'a FAPI 2.0 client (fapi2) always uses pushed authorization requests and DPoP-bound tokens: drop require_pushed_authorization_requests and dpop_bound_access_tokens, or set them true',
    );
  const grantTypes = stringList(metadata, 'grant_types') ?? ['authorization_code'];
  // RFC 7591 §2 defaults response_types to "code"; a client without the code grant (a device
  // that only uses the device flow) has no use for it, and naming none must not be refused.
  const responseTypes =
    stringList(metadata, 'response_types') ?? (grantTypes.includes('authorization_code') ? ['code'] : []);
  if (responseTypes.some((t) => t !== 'code'))
    throw new InvalidClientMetadataError('only the response type "code" is supported');
  if (grantTypes.includes('authorization_code') !== responseTypes.includes('code'))
    throw new InvalidClientMetadataError('grant_types and response_types disagree');
  // OIDC Registration defaults to "web", but MCP hosts and other native apps register public
  // clients with loopback redirects and no application_type: a public client is taken as native.
  const applicationType = optionalString(metadata, 'application_type') ?? (authMethod === 'none' ? 'native' : 'web');
  if (applicationType !== 'web' && applicationType !== 'native')
    throw new InvalidClientMetadataError('application_type must be web or native');
  const scope = optionalString(metadata, 'scope');
  for (const field of ['logo_uri', 'client_uri', 'policy_uri', 'tos_uri']) {
    const value = optionalString(metadata, field);
    if (value !== undefined && !/^https:\/\/[^\s]+$/.test(value))
      throw new InvalidClientMetadataError(`${field} must be an https URL`);
  }
  const name = optionalString(metadata, 'client_name') ?? 'Unnamed app';
  if (name.length > 200) throw new InvalidClientMetadataError('client_name is too long');
  stringList(metadata, 'contacts');
  for (const field of ['software_id', 'software_version']) {
    if ((optionalString(metadata, field)?.length ?? 0) > 200)
      throw new InvalidClientMetadataError(`${field} is too long`);
  }
  const sessionRequired = metadata.backchannel_logout_session_required;
  if (sessionRequired !== undefined && sessionRequired !== null && typeof sessionRequired !== 'boolean')
    throw new InvalidClientMetadataError('backchannel_logout_session_required must be a boolean');
  const backchannelLogoutUri = optionalString(metadata, 'backchannel_logout_uri');
  return {
    metadata: registeredMetadata(metadata),
    client: {
      name,
      type: authMethod === 'none' ? 'public' : 'confidential',
      redirectUris: stringList(metadata, 'redirect_uris') ?? [],
      grantTypes,
      applicationType,
      logoUri: optionalString(metadata, 'logo_uri') ?? null,
      ...(scope !== undefined ? { allowedScopes: parseScope(scope) } : {}),
      registeredVia: 'dcr',
      postLogoutRedirectUris: stringList(metadata, 'post_logout_redirect_uris') ?? [],
      backchannelLogoutUri: backchannelLogoutUri ?? null,
      backchannelLogoutSessionRequired: sessionRequired === true,
      tokenEndpointAuthMethod: authMethod,
      jwks: metadata.jwks ?? null,
      jwksUri: optionalString(metadata, 'jwks_uri') ?? null,
      requestObjectSigningAlg: optionalString(metadata, 'request_object_signing_alg') ?? null,
      tokenEndpointAuthSigningAlg: optionalString(metadata, 'token_endpoint_auth_signing_alg') ?? null,
      requirePushedAuthorizationRequests: requirePar ?? false,
      dpopBoundAccessTokens: dpopBound ?? false,
      fapi2,
    },
  };
}

function optionalString(metadata: Record<string, unknown>, field: string): string | undefined {
  const value = metadata[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidClientMetadataError(`${field} must be a string`);
  return value;
}

function optionalBoolean(metadata: Record<string, unknown>, field: string): boolean | undefined {
  const value = metadata[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InvalidClientMetadataError(`${field} must be a boolean`);
  return value;
}

function stringList(metadata: Record<string, unknown>, field: string): string[] | undefined {
  const value = metadata[field];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string') || value.length > 20) {
    throw new InvalidClientMetadataError(`${field} must be an array of at most 20 strings`);
  }
  return [...new Set(value as string[])];
}
