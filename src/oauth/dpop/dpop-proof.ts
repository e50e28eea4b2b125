import { createHash } from 'node:crypto';
import { decodeProtectedHeader, type JWK, type JWSHeaderParameters } from 'jose';
import { JwtRejected, verifyJwt } from '../../kernel/crypto/jwt-verify.ts';
import { proofKey } from './proof-keys.ts';

/**
 * The proof algorithms accepted (and advertised as `dpop_signing_alg_values_supported`):
 * asymmetric only. `Ed25519` is RFC 9864's fully-specified name for EdDSA over Ed25519, which
 * current clients (oauth4webapi) put in their proofs.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'PS256', 'EdDSA', 'Ed25519', 'RS256'];

/** JWK members that only a private (or symmetric) key has (RFC 7518 §6). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MAX_JTI_LENGTH = 256;

/** What the request a proof travels with must match. */
export interface ProofExpectation {
  /** The request's method. */
  htm: string;
  /** The request's URL as the client sees it (this server's ISSUER, not what proxies forwarded). */
  htu: string;
  /** The access token sent with the proof (resource requests): the proof's `ath` must hash it. */
  accessToken?: string;
}

export interface VerifiedProof {
  /** RFC 7638 SHA-256 thumbprint of the proof's key: what tokens are bound to (`cnf.jkt`). */
  jkt: string;
  /** The JWS algorithm it is signed with (a FAPI 2.0 client may use only some). */
  alg: string;
  jti: string;
  iat: number;
  nonce: string | undefined;
}

/** Why a DPoP proof was refused; the message becomes the `error_description`. */
export class InvalidDpopProofError extends Error {}

/**
 * Checks one DPoP proof JWT on its own (RFC 9449 §4.3, steps 2–12 but the nonce and `jti`
 * replay, which need state): `typ` dpop+jwt, an allowed asymmetric `alg`, a public `jwk` that
 * verifies the signature, `htm` and `htu` of this request, `iat` within the window, and `ath`
 * when an access token comes with it.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-4.3
 */
export async function verifyDpopProof(
  proof: string,
  expected: ProofExpectation,
  options: { nowMs: number; iatWindowSeconds: number },
): Promise<VerifiedProof> {
  const header = checkHeader(proof);
  let key;
  try {
    key = await proofKey(proof.slice(0, proof.indexOf('.')), header);
  } catch {
    throw new InvalidDpopProofError("the DPoP proof's jwk is not a usable public key");
  }
  const jkt = key.jkt;
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await verifyJwt(proof, () => key.key, {
      typ: 'dpop+jwt',
      algorithms: DPOP_SIGNING_ALGS,
      requiredClaims: ['jti', 'htm', 'htu', 'iat'],
      nowMs: options.nowMs,
    }));
  } catch (error) {
    if (error instanceof JwtRejected && error.reason === 'missing')
      throw new InvalidDpopProofError(`the DPoP proof lacks the ${error.claim} claim`);
    if (error instanceof JwtRejected)
      throw new InvalidDpopProofError('the DPoP proof is malformed or its signature does not verify with its jwk');
    throw error;
  }
  const { jti, htm, htu, iat, ath, nonce } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    throw new InvalidDpopProofError(`the DPoP proof's jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`);
  if (htm !== expected.htm) throw new InvalidDpopProofError(`the DPoP proof's htm must be ${expected.htm}`);
  if (typeof htu !== 'string' || !sameUri(htu, expected.htu))
    throw new InvalidDpopProofError(`the DPoP proof's htu must be ${withoutQuery(expected.htu)}`);
  const now = options.nowMs / 1000;
  if (typeof iat !== 'number' || Math.abs(now - iat) > options.iatWindowSeconds)
    throw new InvalidDpopProofError(
      `the DPoP proof's iat is more than ${options.iatWindowSeconds} seconds away from the server's clock`,
    );
  if (nonce !== undefined && typeof nonce !== 'string')
    throw new InvalidDpopProofError("the DPoP proof's nonce must be a string");
  if (expected.accessToken !== undefined && ath !== accessTokenHash(expected.accessToken))
    throw new InvalidDpopProofError("the DPoP proof's ath is not the hash of the access token sent with it");
  return { jkt, alg: header.alg!, jti, iat, nonce };
}

/** `ath`: base64url of the SHA-256 of the access token's ASCII (RFC 9449 §4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The header checks that deserve their own message (jose would refuse these too, less clearly). */
function checkHeader(proof: string): JWSHeaderParameters & { jwk: JWK } {
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new InvalidDpopProofError('the DPoP proof is not a JWT');
  }
  if (header.typ !== 'dpop+jwt') throw new InvalidDpopProofError('the DPoP proof must have typ dpop+jwt');
  if (typeof header.alg !== 'string' || !DPOP_SIGNING_ALGS.includes(header.alg))
    throw new InvalidDpopProofError(`the DPoP proof must be signed with one of ${DPOP_SIGNING_ALGS.join(', ')}`);
  const jwk = header.jwk;
  if (!jwk || typeof jwk !== 'object')
    throw new InvalidDpopProofError('the DPoP proof must carry its public key as jwk');
  if (PRIVATE_MEMBERS.some((member) => member in jwk))
    throw new InvalidDpopProofError("the DPoP proof's jwk must be a public key: it holds private key material");
  return { ...header, jwk };
}

/** RFC 9449 §4.3 step 9: compared without query and fragment, after URL normalisation (RFC 3986 §6). */
function sameUri(presented: string, expected: string): boolean {
  return withoutQuery(presented) === withoutQuery(expected);
}

function withoutQuery(uri: string): string {
  try {
    const url = new URL(uri);
    return `${url.origin}${url.pathname}`;
  } catch {
    return '';
  }
}
