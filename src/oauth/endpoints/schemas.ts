import { Type, type TSchema } from '@sinclair/typebox';

/**
 * Request shapes of the OAuth endpoints, for /openapi.json. Fastify validates the authorization
 * query with them; the form endpoints (token, PAR, revocation, introspection, device
 * authorization) check their bodies in readParams alone, by the same rules (read-params.ts).
 * Values are strings; `resource` may repeat (RFC 8707). Anything else a request carries twice
 * is an invalid_request (RFC 6749 §3.1).
 */
const text = (description: string, maxLength = 4096) => Type.Optional(Type.String({ description, maxLength }));
const repeatable = (description: string) =>
  Type.Optional(
    Type.Union([Type.String({ maxLength: 4096 }), Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 10 })], {
      description,
    }),
  );

const object = (properties: Record<string, TSchema>) => Type.Object(properties, { additionalProperties: true });

export const AuthorizeQuery = object({
  response_type: text('Always "code"'),
  client_id: text('The client id, or the https URL of its client ID metadata document'),
  redirect_uri: text('One of the registered redirect URIs (any port for loopback IPs)'),
  scope: text("Space-separated scopes; omitted: the client's defaults"),
  state: text('Echoed back on every redirect (at most 512 characters)'),
  code_challenge: text('PKCE S256 challenge (required for public clients)'),
  code_challenge_method: text('S256'),
  nonce: text('Copied into the ID token (at most 512 characters)'),
  prompt: text('none, login or consent'),
  max_age: text('OIDC: seconds; a sign-in older than this is asked again'),
  login_hint: text('Email or phone number to prefill (at most 512 characters)'),
  resource: repeatable('RFC 8707 resource indicator(s): absolute URIs of protected resources'),
  request: text('RFC 9101: the whole request as a signed JWT (request object); its parameters replace these', 16_384),
  request_uri: text('RFC 9126: a urn:ietf:params:oauth:request_uri:… from /oauth/par (single use)'),
});

/** RFC 7523 client authentication by a signed JWT. */
const assertionFields = {
  client_assertion_type: text(
    'urn:ietf:params:oauth:client-assertion-type:jwt-bearer (private_key_jwt, client_secret_jwt)',
  ),
  client_assertion: text('private_key_jwt or client_secret_jwt: the signed JWT (aud = the issuer)', 16_384),
};

/** RFC 9126: the authorization request's parameters (or a request object), plus client authentication. */
export const ParBody = object({
  response_type: text('Always "code"'),
  client_id: text('The client id'),
  redirect_uri: text('One of the registered redirect URIs'),
  scope: text("Space-separated scopes; omitted: the client's defaults"),
  state: text('Echoed back on the redirect'),
  code_challenge: text('PKCE S256 challenge'),
  code_challenge_method: text('S256'),
  nonce: text('Copied into the ID token'),
  prompt: text('none, login or consent'),
  max_age: text('OIDC: seconds'),
  login_hint: text('Email or phone number to prefill'),
  resource: repeatable('RFC 8707 resource indicator(s)'),
  request: text('RFC 9101: the request as a signed JWT; other authorization parameters are then ignored', 16_384),
  client_secret: text('client_secret_post'),
  ...assertionFields,
});

export const TokenBody = object({
  grant_type: text(
    'authorization_code, refresh_token, client_credentials or urn:ietf:params:oauth:grant-type:device_code',
  ),
  code: text('authorization_code: the code'),
  redirect_uri: text('authorization_code: the redirect URI of the authorization request'),
  code_verifier: text('authorization_code: the PKCE verifier (43–128 characters)'),
  refresh_token: text('refresh_token: the refresh token'),
  device_code: text('device_code: the device code of the device authorization response'),
  scope: text('refresh_token: a narrower scope; client_credentials: the scopes wanted'),
  resource: repeatable('RFC 8707 resource indicator(s)'),
  client_id: text('client_secret_post or public clients'),
  client_secret: text('client_secret_post'),
  ...assertionFields,
});

export const DeviceAuthorizationBody = object({
  client_id: text('client_secret_post or public clients'),
  client_secret: text('client_secret_post'),
  scope: text("Space-separated scopes; omitted: the client's defaults"),
  resource: repeatable('RFC 8707 resource indicator(s): absolute URIs of protected resources'),
});

export const TokenOnlyBody = object({
  token: text('The token'),
  token_type_hint: text('access_token or refresh_token (a hint only)'),
  client_id: text('client_secret_post or public clients'),
  client_secret: text('client_secret_post'),
  ...assertionFields,
});
