import { createSecretKey } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { decodeJwt, JwtRejected, verifyJwt, type DecodedJwt, type JwtChecks } from '../../kernel/crypto/jwt-verify.ts';
import type { Clock } from '../../kernel/clock.ts';
import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import { InvalidClient } from '../errors.ts';
import type { SeenJtis } from '../replay/seen-jtis.ts';
import { assertionAlgorithms, JWT_BEARER_ASSERTION } from './auth-methods.ts';
import type { Client } from './client.ts';
import { algorithmsFor } from './fapi2.ts';
import type { ClientRepository } from './client-repository.ts';
import { ClientKeysUnavailable, type ClientKeys } from './client-keys.ts';

export interface AssertionDeps {
  issuer: string;
  clients: Pick<ClientRepository, 'findById'>;
  clock: Clock;
  clientKeys: ClientKeys;
  seenJtis: SeenJtis;
  /** Opens client_secret_jwt secrets. */
  clientSecrets: SecretBox;
}

/** An assertion may live at most this long from now (`exp`), and its `iat` may be at most this old. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Tolerated difference between the client's clock and ours, for `exp`, `nbf` and `iat`. */
const CLOCK_SKEW_SECONDS = 30;
/** Explicit types a client authentication JWT may carry (draft-ietf-oauth-rfc7523bis §4); none at all is fine too. */
const ACCEPTED_TYPES = new Set(['jwt', 'client-authentication+jwt']);

/**
 * private_key_jwt and client_secret_jwt (RFC 7523 §2.2 and §3, OIDC Core §9), with the audience
 * rule of draft-ietf-oauth-rfc7523bis: `aud` is this server's issuer identifier and nothing
 * else — a JSON string, not the token endpoint URL, not an array — so an assertion made for one
 * server cannot be replayed at another that shares an endpoint URL. `iss` and `sub` are the
 * client, `exp` is required and at most five minutes ahead, `jti` is required and single use
 * across nodes, and the algorithm is one the client's method allows (never `none`, never HS256
 * with a public key; ES256 or PS256 for a FAPI 2.0 client).
 */
export async function verifyClientAssertion(deps: AssertionDeps, assertion: ClientAssertion): Promise<Client> {
  const { client, proven } = await startClientAssertionCheck(deps, assertion);
  await proven;
  return client;
}

export interface ClientAssertion {
  type: string | undefined;
  jwt: string | undefined;
  clientId: string | undefined;
}

/** A client named by credentials whose proof may still be being checked. */
export interface ClientToProve {
  client: Client;
  /**
   * Settles when the proof is checked: rejects with `InvalidClient` if it does not hold. Nothing
   * may reach the client, nor change on its behalf, before it fulfils. Never rejects unheard.
   */
  proven: Promise<void>;
}

/**
 * `verifyClientAssertion` in two steps: the client the assertion names, once everything that
 * needs no signature check holds (form, claims, algorithm, audience); then the signature, the
 * times and the single use of its `jti`, as `proven`. A caller may prepare its answer meanwhile:
 * the signature is checked on the signing thread, and work queued in the same turn travels with
 * it (see BatchSigner).
 */
export async function startClientAssertionCheck(
  deps: AssertionDeps,
  assertion: ClientAssertion,
): Promise<ClientToProve> {
  if (assertion.type !== JWT_BEARER_ASSERTION)
    throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER_ASSERTION}`);
  if (!assertion.jwt) throw new InvalidClient('client_assertion is required with client_assertion_type');
  const decoded = decodeUnverified(assertion.jwt);
  const { header, payload: claims } = decoded;
  const clientId = typeof claims.sub === 'string' ? claims.sub : undefined;
  if (!clientId || claims.iss !== clientId)
    throw new InvalidClient('the client assertion must have iss and sub both equal to the client_id');
  if (assertion.clientId !== undefined && assertion.clientId !== clientId)
    throw new InvalidClient('client_id does not match the client assertion');
  const client = await deps.clients.findById(clientId);
  if (!client) throw new InvalidClient('unknown client');
  const method = client.tokenEndpointAuthMethod;
  if (method !== 'private_key_jwt' && method !== 'client_secret_jwt')
    throw new InvalidClient(`the client is registered for ${method}, not a client assertion`);
  const algorithms = algorithmsFor(client, assertionAlgorithms(method, client.tokenEndpointAuthSigningAlg));
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg))
    throw new InvalidClient(`the client assertion must be signed with ${algorithms.join(' or ')} for ${method}`);
  if (
    header.typ !== undefined &&
    !ACCEPTED_TYPES.has(
      String(header.typ)
        .toLowerCase()
        .replace(/^application\//, ''),
    )
  )
    throw new InvalidClient(`a client assertion cannot have typ ${String(header.typ)}`);
  if (claims.aud !== deps.issuer)
    throw new InvalidClient(`the client assertion's aud must be the issuer identifier ${deps.issuer}, as a string`);
  const proven = proveAssertion(deps, client, decoded, algorithms);
  proven.catch(() => {}); // heard by whoever awaits it; a caller that failed first drops it
  return { client, proven };
}

/** The checks of a client assertion that need its signature verified, then its `jti` recorded. */
async function proveAssertion(
  deps: AssertionDeps,
  client: Client,
  jwt: DecodedJwt,
  algorithms: string[],
): Promise<void> {
  const method = client.tokenEndpointAuthMethod;
  const now = deps.clock.now();
  const verify: JwtChecks = {
    algorithms,
    nowMs: now,
    clockToleranceSeconds: CLOCK_SKEW_SECONDS,
    requiredClaims: ['exp', 'jti'],
  };
  let payload: JWTPayload;
  try {
    if (method === 'private_key_jwt') {
      payload = (await deps.clientKeys.verify(client, jwt, verify)).payload as JWTPayload;
    } else {
      if (!client.secretSealed) throw new InvalidClient('the client has no secret to check the assertion with');
      if (client.secretExpiresAt !== null && client.secretExpiresAt <= now)
        throw new InvalidClient('client secret has expired');
      const secret = createSecretKey(Buffer.from(deps.clientSecrets.open(client.secretSealed), 'utf8'));
      payload = (await verifyJwt(jwt, () => secret, verify)).payload as JWTPayload;
    }
  } catch (error) {
    throw asInvalidClient(error);
  }
  const nowSeconds = Math.floor(now / 1000);
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    throw new InvalidClient(`the client assertion may expire at most ${MAX_ASSERTION_LIFETIME_SECONDS} s from now`);
  if (payload.iat !== undefined && payload.iat < nowSeconds - MAX_ASSERTION_LIFETIME_SECONDS - CLOCK_SKEW_SECONDS)
    throw new InvalidClient('the client assertion was issued too long ago');
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256)
    throw new InvalidClient('the client assertion needs a jti of at most 256 characters');
  if (
    !(await deps.seenJtis.firstUse(
      'client-assertion',
      client.id,
      payload.jti,
      (payload.exp! + CLOCK_SKEW_SECONDS) * 1000,
    ))
  )
    throw new InvalidClient('the client assertion was already used (jti seen before)');
}

/** Decoded once: the claims name the client, and the signature check reuses the decoding. */
function decodeUnverified(jwt: string): DecodedJwt {
  try {
    return decodeJwt(jwt);
  } catch (error) {
    if (!(error instanceof JwtRejected)) throw error;
    throw new InvalidClient(`client_assertion is not a JWT this server takes: ${error.message}`);
  }
}

/** The verifier's verdicts, in words for the client (never a 500 for what a client sent). */
function asInvalidClient(error: unknown): InvalidClient {
  if (error instanceof InvalidClient) return error;
  if (error instanceof ClientKeysUnavailable)
    return new InvalidClient(`the client's keys are unavailable: ${error.message}`);
  if (!(error instanceof JwtRejected)) throw error;
  if (error.code === 'expired') return new InvalidClient('the client assertion has expired');
  if (error.code === 'claim')
    return new InvalidClient(`the client assertion's ${error.claim} claim is not acceptable (${error.reason})`);
  if (error.code === 'no_key') return new InvalidClient('no registered key of the client matches the assertion');
  if (error.code === 'signature') return new InvalidClient('the client assertion signature is invalid');
  return new InvalidClient('the client assertion is invalid');
  throw error;
}
