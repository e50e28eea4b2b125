import type { FastifyRequest } from 'fastify';

export type BearerResult = { token: string } | { missing: true } | { refused: string };

/**
 * The bearer token of a request, from the Authorization header only: RFC 9700 §4.3.2 forbids
 * tokens in query strings, and a form-body token is refused too so there is one way in.
 */
export function readBearer(request: FastifyRequest): BearerResult {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && 'access_token' in query)
    return { refused: 'access tokens in the query string are refused; use the Authorization header' };
  const body = request.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object' && 'access_token' in body)
    return { refused: 'access tokens in the request body are refused; use the Authorization header' };
  const header = request.headers.authorization;
  if (!header) return { missing: true };
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) return { refused: 'the Authorization header must be "Bearer <token>"' };
  return { token: match[1]! };
}
