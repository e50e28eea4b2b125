/**
 * How clients authenticate (RFC 7591 §2 `token_endpoint_auth_method`, OIDC Core §9) and which
 * JWS algorithms their JWTs may use. One list each, read by registration, authentication and
 * discovery, so what is advertised is what is accepted.
 */
export const TOKEN_ENDPOINT_AUTH_METHODS = [
  'none',
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];

/**
 * Asymmetric algorithms accepted for private_key_jwt assertions and request objects. Ed25519 is
 * EdDSA's fully-specified name (RFC 9864), which oauth4webapi and openid-client sign with.
 */
export const ASYMMETRIC_ALGS = ['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256'] as const;
/** client_secret_jwt: HMAC with the client's secret (RFC 7518 §3.2). */
export const SECRET_ALGS = ['HS256'] as const;

/** The `client_assertion_type` of RFC 7523 §2.2. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export function isTokenEndpointAuthMethod(value: string): value is TokenEndpointAuthMethod {
  return (TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(value);
}

/** Whether a client registered with `method` proves itself with a shared secret sent as is. */
export function usesPlainSecret(method: TokenEndpointAuthMethod): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
}

/** Whether a client registered with `method` is issued a secret. */
export function hasSecret(method: TokenEndpointAuthMethod): boolean {
  return usesPlainSecret(method) || method === 'client_secret_jwt';
}

/** Algorithms a client may sign its assertions with, given its method and registered alg. */
export function assertionAlgorithms(method: TokenEndpointAuthMethod, registeredAlg: string | null): string[] {
  const allowed: readonly string[] =
    method === 'private_key_jwt' ? ASYMMETRIC_ALGS : method === 'client_secret_jwt' ? SECRET_ALGS : [];
  return registeredAlg ? allowed.filter((alg) => alg === registeredAlg) : [...allowed];
}
