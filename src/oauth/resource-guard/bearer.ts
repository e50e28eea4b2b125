import type { FastifyRequest } from 'fastify';

export type BearerResult = { token: string } | { missing: true } | { refused: string };

/** How an access token was presented: as a bearer token (RFC 6750) or DPoP-bound (RFC 9449 §7.1). */
export type AuthorizationScheme = 'Bearer' | 'DPoP';
export type AccessTokenResult =
  { token: string; scheme: AuthorizationScheme } | { missing: true } | { refused: string };

const BEARER = /^(Bearer) +([A-Za-z0-9\-._~+/]+=*) *$/i;
const BEARER_OR_DPOP = /^(Bearer|DPoP) +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The bearer token of a request, from the Authorization header only: RFC 9700 §4.3.2 forbids
 * tokens in query strings, and a form-body token is refused too so there is one way in.
 */
export function readBearer(request: FastifyRequest): BearerResult {
  const read = readAuthorization(request, BEARER, 'the Authorization header must be "Bearer <token>"');
  return 'token' in read ? { token: read.token } : read;
}

/** The access token of a request to a resource server: `Bearer <token>`, or `DPoP <token>` with a proof. */
export function readAccessToken(request: FastifyRequest): AccessTokenResult {
  return readAuthorization(
    request,
    BEARER_OR_DPOP,
    'the Authorization header must be "Bearer <token>" or "DPoP <token>"',
  );
}

function readAuthorization(request: FastifyRequest, pattern: RegExp, malformed: string): AccessTokenResult {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && 'access_token' in query)
    return { refused: 'access tokens in the query string are refused; use the Authorization header' };
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 'access_token' in body)
    return { refused: 'access tokens in the request body are refused; use the Authorization header' };
  const header = request.headers.authorization;
  if (!header) return { missing: true };
  const match = pattern.exec(header);
  if (!match) return { refused: malformed };
  return { token: match[2]!, scheme: match[1]!.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
}
