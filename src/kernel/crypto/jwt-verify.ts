import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { parsedJsonHoldsNul } from '../http/nul-characters.ts';
import { checkJwsSignature } from '../keys/sign-jws.ts';

/**
 * Compact JWS/JWT verification straight through node:crypto, for the paths every request takes
 * (access tokens, DPoP proofs, client assertions). jose verifies through WebCrypto, whose
 * promise-and-threadpool round trip cost more than the ECDSA check itself here (~110 µs of CPU
 * per ES256 token against ~70 µs for `crypto.verify`); asymmetric checks here run on the signing
 * worker, batched with the signatures (sign-jws.ts), off the event loop. The rules are jose's, kept strict: an
 * allow-list of algorithms, a key whose type fits the algorithm, no `crit` and no unencoded
 * payloads, then the registered claims (RFC 7519 §4.1) the caller asks for.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */

export type JwtHeader = Record<string, unknown> & { alg: string; kid?: string; typ?: string };
export type JwtPayload = Record<string, unknown>;

/** Why a JWT was refused. `claim` names the registered claim when one failed. */
export class JwtRejected extends Error {
  constructor(
    readonly code: 'malformed' | 'algorithm' | 'type' | 'no_key' | 'signature' | 'expired' | 'claim',
    message: string,
    readonly claim?: string,
    readonly reason?: 'missing' | 'invalid',
  ) {
    super(message);
  }
}

export interface JwtChecks {
  /** Algorithms accepted in the header; anything else is refused before a key is looked for. */
  algorithms: readonly string[];
  /** Expected `typ`, compared as media types are (case-insensitive, `application/` optional). */
  typ?: string;
  issuer?: string;
  /** `aud` must be this string or an array holding it. */
  audience?: string;
  nowMs: number;
  clockToleranceSeconds?: number;
  /** Claims that must be present (their types are checked when they are registered claims). */
  requiredClaims?: readonly string[];
}

/** The key (or candidate keys) for a header; none or an empty list is `no_key`. */
export type KeyLookup = (header: JwtHeader) => KeyObject | readonly KeyObject[] | undefined;

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_TOKEN_LENGTH = 16 * 1024;

/** A compact JWS split and decoded, nothing checked but its shape. */
export interface DecodedJwt {
  header: JwtHeader;
  payload: JwtPayload;
  signingInput: string;
  signature: string;
}

/** Splits and decodes a compact JWS without checking anything but its shape. */
export function decodeJwt(token: string): DecodedJwt {
  if (token.length > MAX_TOKEN_LENGTH) throw new JwtRejected('malformed', 'the JWT is too long');
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);
  if (first < 1 || second < 0 || token.indexOf('.', second + 1) !== -1)
    throw new JwtRejected('malformed', 'a JWT has three dot-separated parts');
  const parts = [token.slice(0, first), token.slice(first + 1, second), token.slice(second + 1)];
  if (!parts.every((part) => BASE64URL.test(part))) throw new JwtRejected('malformed', 'a JWT part is not base64url');
  const header = parseObject(parts[0]!);
  const payload = parseObject(parts[1]!);
  if (typeof header.alg !== 'string') throw new JwtRejected('malformed', 'the JWT header has no alg');
  // Nothing here understands critical extensions, and RFC 7797's unencoded payloads are never used.
  if (header.crit !== undefined || header.b64 !== undefined)
    throw new JwtRejected('malformed', 'the JWT header uses an unsupported extension');
  return {
    header: header as JwtHeader,
    payload,
    signingInput: token.slice(0, second),
    signature: parts[2]!,
  };
}

/**
 * Verifies signature and claims; resolves to the decoded header and payload. A caller that
 * decoded the token already (to find its issuer, say) hands in what `decodeJwt` returned.
 */
export async function verifyJwt(
  token: string | DecodedJwt,
  keys: KeyLookup,
  checks: JwtChecks,
): Promise<{ header: JwtHeader; payload: JwtPayload }> {
  const { header, payload, signingInput, signature } = typeof token === 'string' ? decodeJwt(token) : token;
  if (!checks.algorithms.includes(header.alg))
    throw new JwtRejected('algorithm', `the JWT must be signed with ${checks.algorithms.join(', ')}`);
  if (checks.typ !== undefined && (typeof header.typ !== 'string' || mediaType(header.typ) !== mediaType(checks.typ)))
    throw new JwtRejected('type', `the JWT's typ must be ${checks.typ}`);
  const found = keys(header);
  const candidates = found === undefined ? [] : Array.isArray(found) ? found : [found as KeyObject];
  const usable = candidates.filter((key) => keyFits(header.alg, key));
  if (usable.length === 0) throw new JwtRejected('no_key', 'no key matches the JWT');
  let verified = false;
  for (const key of usable) if ((verified = await signatureHolds(header.alg, signingInput, signature, key))) break;
  if (!verified) throw new JwtRejected('signature', 'the JWT signature does not verify');
  checkClaims(payload, checks);
  return { header, payload };
}

function parseObject(part: string): Record<string, unknown> {
  const text = Buffer.from(part, 'base64url').toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwtRejected('malformed', 'a JWT part is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new JwtRejected('malformed', 'a JWT part is not a JSON object');
  // Its claims name clients, users and sessions that are looked up (nul-characters.ts).
  if (parsedJsonHoldsNul(text, value)) throw new JwtRejected('malformed', 'a JWT part holds a NUL character (U+0000)');
  return value as Record<string, unknown>;
}

function mediaType(typ: string): string {
  return typ.toLowerCase().replace(/^application\//, '');
}

const CURVE: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };
const MIN_RSA_BITS = 2048;

/** The key's type must be the algorithm's (a public RSA key never checks an HMAC, and so on). */
function keyFits(alg: string, key: KeyObject): boolean {
  const family = alg.slice(0, 2);
  if (family === 'HS') return key.type === 'secret';
  if (key.type !== 'public') return false;
  const type = key.asymmetricKeyType;
  if (family === 'ES') return type === 'ec' && key.asymmetricKeyDetails?.namedCurve === CURVE[alg];
  if (family === 'RS' || family === 'PS')
    return (
      (type === 'rsa' || (family === 'PS' && type === 'rsa-pss')) &&
      (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS
    );
  if (alg === 'Ed25519') return type === 'ed25519';
  if (alg === 'EdDSA') return type === 'ed25519' || type === 'ed448';
  return false;
}

function signatureHolds(alg: string, signingInput: string, signature: string, key: KeyObject): Promise<boolean> {
  if (alg.startsWith('HS')) {
    // An HMAC is cheaper than the trip to the worker.
    const expected = createHmac(`sha${alg.slice(2)}`, key)
      .update(signingInput, 'ascii')
      .digest();
    const presented = Buffer.from(signature, 'base64url');
    return Promise.resolve(expected.length === presented.length && timingSafeEqual(expected, presented));
  }
  return checkJwsSignature(alg, signingInput, signature, key);
}

const NUMERIC_CLAIMS = ['exp', 'nbf', 'iat'];

function checkClaims(payload: JwtPayload, checks: JwtChecks): void {
  for (const claim of checks.requiredClaims ?? [])
    if (payload[claim] === undefined)
      throw new JwtRejected('claim', `the JWT lacks the ${claim} claim`, claim, 'missing');
  for (const claim of NUMERIC_CLAIMS)
    if (payload[claim] !== undefined && !Number.isFinite(payload[claim]))
      throw new JwtRejected('claim', `the JWT's ${claim} claim must be a number`, claim, 'invalid');
  const now = Math.floor(checks.nowMs / 1000);
  const tolerance = checks.clockToleranceSeconds ?? 0;
  if (typeof payload.exp === 'number' && payload.exp <= now - tolerance)
    throw new JwtRejected('expired', 'the JWT has expired', 'exp', 'invalid');
  if (typeof payload.nbf === 'number' && payload.nbf > now + tolerance)
    throw new JwtRejected('claim', 'the JWT is not valid yet', 'nbf', 'invalid');
  if (checks.issuer !== undefined && payload.iss !== checks.issuer)
    throw new JwtRejected('claim', `the JWT's iss must be ${checks.issuer}`, 'iss', 'invalid');
  if (checks.audience !== undefined && !audienceHolds(payload.aud, checks.audience))
    throw new JwtRejected('claim', 'the JWT is meant for another audience', 'aud', 'invalid');
}

function audienceHolds(aud: unknown, expected: string): boolean {
  return aud === expected || (Array.isArray(aud) && aud.includes(expected));
}
