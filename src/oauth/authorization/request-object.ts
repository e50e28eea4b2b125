import { decodeProtectedHeader, type JWTPayload } from 'jose';
import { JwtRejected } from '../../kernel/crypto/jwt-verify.ts';
import type { OAuthContext } from '../oauth-context.ts';
import { ASYMMETRIC_ALGS } from '../clients/auth-methods.ts';
import type { Client } from '../clients/client.ts';
import { ClientKeysUnavailable } from '../clients/client-keys.ts';
import { algorithmsFor } from '../clients/fapi2.ts';
import { OAuthError } from '../errors.ts';
import { readParams, type ReadParams } from '../endpoints/read-params.ts';
import { InvalidRequestObject } from './request-errors.ts';

/** A request object may live at most this long (exp from now; nbf before now), as FAPI 2.0 bounds it. */
const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 30;
/** RFC 9101 §10.8 explicit type; plain JWT and no typ are accepted too. */
const ACCEPTED_TYPES = new Set(['jwt', 'oauth-authz-req+jwt']);
/** JWT claims of the object itself, not authorization parameters. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);

/**
 * A signed request object (RFC 9101, by value): verified with the client's own keys and an
 * algorithm it may use (never `none`; ES256 or PS256 for a FAPI 2.0 client); `iss` is the
 * client, `aud` includes this server's issuer, `exp` is required and at most an hour ahead,
 * `nbf` (when present) at most an hour back, a `jti` (when present) is used once. Its claims
 * become the request's parameters — only its, per §5: whatever else the request carried is
 * ignored, except `client_id`, which must match.
 */
export async function readRequestObject(ctx: OAuthContext, client: Client, jwt: string): Promise<ReadParams> {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwt) as Record<string, unknown>;
  } catch {
    throw new InvalidRequestObject('the request object is not a JWT');
  }
  if (header.alg === 'none' || jwt.split('.').length !== 3 || jwt.endsWith('.'))
    throw new InvalidRequestObject('unsigned request objects (alg none) are refused');
  if (
    header.typ !== undefined &&
    !ACCEPTED_TYPES.has(
      String(header.typ)
        .toLowerCase()
        .replace(/^application\//, ''),
    )
  )
    throw new InvalidRequestObject(`a request object cannot have typ ${String(header.typ)}`);
  const algorithms = algorithmsFor(
    client,
    client.requestObjectSigningAlg ? [client.requestObjectSigningAlg] : ASYMMETRIC_ALGS,
  );
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg))
    throw new InvalidRequestObject(`the request object must be signed with ${algorithms.join(' or ')}`);
  if (!client.jwks && !client.jwksUri)
    throw new InvalidRequestObject(
      'the client has registered no keys (jwks or jwks_uri) to check request objects with',
    );

  const now = ctx.clock.now();
  let claims: JWTPayload;
  try {
    claims = (
      await ctx.clientAuth.clientKeys.verify(client, jwt, {
        algorithms,
        issuer: client.id,
        audience: ctx.config.ISSUER,
        nowMs: now,
        clockToleranceSeconds: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
      })
    ).payload as JWTPayload;
  } catch (error) {
    throw asInvalidRequestObject(error);
  }
  const nowSeconds = Math.floor(now / 1000);
  if (claims.exp! > nowSeconds + MAX_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    throw new InvalidRequestObject(`the request object may expire at most ${MAX_LIFETIME_SECONDS} s from now`);
  if (claims.nbf !== undefined && claims.nbf < nowSeconds - MAX_LIFETIME_SECONDS - CLOCK_SKEW_SECONDS)
    throw new InvalidRequestObject('the request object became valid too long ago (nbf)');
  if (claims.client_id !== undefined && claims.client_id !== client.id)
    throw new InvalidRequestObject('client_id in the request object does not match the request');
  if (claims.request !== undefined || claims.request_uri !== undefined)
    throw new InvalidRequestObject('a request object cannot carry request or request_uri');
  if (claims.jti !== undefined) {
    if (typeof claims.jti !== 'string' || claims.jti.length > 256)
      throw new InvalidRequestObject('jti must be a string of at most 256 characters');
    if (
      !(await ctx.clientAuth.seenJtis.firstUse(
        'request-object',
        client.id,
        claims.jti,
        (claims.exp! + CLOCK_SKEW_SECONDS) * 1000,
      ))
    )
      throw new InvalidRequestObject('the request object was already used (jti seen before)');
  }
  const params = parametersOf(claims);
  params.single.client_id = client.id;
  return params;
}

/** Claims → parameters as a query would carry them: strings as they are, numbers as text, `resource` may be a list. */
function parametersOf(claims: JWTPayload): ReadParams {
  const raw: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name) || value === undefined || value === null) continue;
    if (name === 'resource' && Array.isArray(value) && value.every((v) => typeof v === 'string')) raw[name] = value;
    else if (typeof value === 'string') raw[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') raw[name] = String(value);
    else raw[name] = JSON.stringify(value);
  }
  try {
    return readParams(raw);
  } catch (error) {
    if (error instanceof OAuthError) throw new InvalidRequestObject(`the request object's ${error.description}`);
    throw error;
  }
}

function asInvalidRequestObject(error: unknown): InvalidRequestObject {
  if (error instanceof ClientKeysUnavailable)
    return new InvalidRequestObject(`the client's keys are unavailable: ${error.message}`);
  if (!(error instanceof JwtRejected)) throw error;
  if (error.code === 'expired') return new InvalidRequestObject('the request object has expired');
  if (error.code === 'claim') {
    const expected =
      error.claim === 'iss' ? ': it must be the client_id' : error.claim === 'aud' ? ': it must name the issuer' : '';
    return new InvalidRequestObject(
      `the request object's ${error.claim} claim is not acceptable (${error.reason})${expected}`,
    );
  }
  if (error.code === 'no_key')
    return new InvalidRequestObject('no registered key of the client matches the request object');
  if (error.code === 'signature') return new InvalidRequestObject('the request object signature is invalid');
  return new InvalidRequestObject('the request object is invalid');
  throw error;
}
