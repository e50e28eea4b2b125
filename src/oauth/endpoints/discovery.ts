import type { FastifyInstance } from 'fastify';
import type { OAuthContext } from '../oauth-context.ts';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-code-grant-type.ts';
import { DPOP_SIGNING_ALGS } from '../dpop/dpop-proof.ts';
import { ASYMMETRIC_ALGS, SECRET_ALGS } from '../clients/auth-methods.ts';

const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'client_secret_jwt'];
const AUTH_SIGNING_ALGS = [...ASYMMETRIC_ALGS, ...SECRET_ALGS];

/** The facts both discovery documents publish (RFC 8414, OpenID Connect Discovery 1.0). */
export function serverMetadata(ctx: OAuthContext): Record<string, unknown> {
  const issuer = ctx.config.ISSUER;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    jwks_uri: `${issuer}/oauth/jwks`,
    registration_endpoint: `${issuer}/oauth/register`,
    device_authorization_endpoint: `${issuer}/oauth/device_authorization`,
    end_session_endpoint: `${issuer}/oauth/end_session`,
    pushed_authorization_request_endpoint: `${issuer}/oauth/par`,
    require_pushed_authorization_requests: ctx.config.REQUIRE_PUSHED_AUTHORIZATION_REQUESTS,
    scopes_supported: ctx.registry.scopeNames(),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT_TYPE],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', ...AUTH_METHODS],
    token_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    revocation_endpoint_auth_methods_supported: ['none', ...AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    introspection_endpoint_auth_methods_supported: AUTH_METHODS,
    introspection_endpoint_auth_signing_alg_values_supported: AUTH_SIGNING_ALGS,
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: ctx.config.CLIENT_METADATA_DOCUMENTS,
    id_token_signing_alg_values_supported: ['ES256'],
    subject_types_supported: ['public'],
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'at_hash',
      'sid',
      'name',
      'zoneinfo',
      'updated_at',
      'email',
      'email_verified',
      'phone_number',
      'phone_number_verified',
    ],
    prompt_values_supported: ['none', 'login', 'consent'],
    // Request objects by value (RFC 9101), signed; by reference only as /oauth/par's request_uri.
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    request_uri_parameter_supported: false,
    resource_indicators_supported: true,
    dpop_signing_alg_values_supported: DPOP_SIGNING_ALGS,
    backchannel_logout_supported: true,
    backchannel_logout_session_supported: true,
  };
}

export async function discoveryEndpoints(app: FastifyInstance, ctx: OAuthContext): Promise<void> {
  const metadata = serverMetadata(ctx);
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    app.get(
      path,
      { schema: { summary: 'Authorization server metadata', tags: ['discovery'] } },
      async (_request, reply) => {
        return reply.header('cache-control', 'public, max-age=300').send(metadata);
      },
    );
  }
}
