import type { OAuthContext } from '../oauth-context.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';
import { resolveClient } from '../clients/metadata-document/resolve-client.ts';
import { UnsafeAuthorizationRequest } from '../errors.ts';
import type { ReadParams } from '../endpoints/read-params.ts';
import { PushedRequestRepository } from './pushed-request-repository.ts';
import { InvalidRequestUri, RequestUriNotSupported } from './request-errors.ts';
import { readRequestObject } from './request-object.ts';

const UNAVAILABLE = {
  unknown: 'the request_uri is unknown',
  'other client': 'the request_uri was pushed by another client',
  used: 'the request_uri was already used; push the request again',
  expired: 'the request_uri has expired; push the request again',
} as const;

/** RFC 9126 §2.2: the request_uri values /oauth/par hands out. */
export const PAR_REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/**
 * The parameters an authorization request really stands for: a pushed request's (RFC 9126
 * §4, by its single-use `request_uri`), a signed request object's (RFC 9101, `request`), or
 * the query's own. With `request_uri` or `request` only `client_id` of the query counts, and it
 * must match. `pushed` tells the validation the request came through /oauth/par.
 */
export async function resolveRequestParameters(
  ctx: OAuthContext,
  params: ReadParams,
): Promise<{ params: ReadParams; pushed: boolean }> {
  const { request, request_uri: requestUri, client_id: clientId } = params.single;
  if (request === undefined && requestUri === undefined) return { params, pushed: false };
  if (request !== undefined && requestUri !== undefined)
    throw new UnsafeAuthorizationRequest('invalid_request', 'request and request_uri cannot both be given');
  if (!clientId) throw new UnsafeAuthorizationRequest('invalid_request', 'client_id is missing');
  if (requestUri !== undefined) {
    if (!requestUri.startsWith(PAR_REQUEST_URI_PREFIX))
      throw new RequestUriNotSupported(
        'request_uri must come from this server’s /oauth/par; request objects are not fetched from URLs',
      );
    const repository = new PushedRequestRepository(ctx.database.db);
    const [hash, now] = [sha256(requestUri), ctx.clock.now()];
    const pushed = await repository.consume(hash, clientId, now);
    if (!pushed) throw new InvalidRequestUri(UNAVAILABLE[await repository.whyUnavailable(hash, clientId, now)]);
    return { params: pushed, pushed: true };
  }
  const client = await resolveClient(ctx, clientId);
  if (!client) throw new UnsafeAuthorizationRequest('invalid_client', 'unknown client_id');
  return { params: await readRequestObject(ctx, client, request!), pushed: false };
}
