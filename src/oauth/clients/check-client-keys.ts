import { createPublicKey } from 'node:crypto';
import type { JSONWebKeySet, JWK } from 'jose';
import { checkDestination } from '../../kernel/egress/index.ts';
import { ASYMMETRIC_ALGS, assertionAlgorithms, type TokenEndpointAuthMethod } from './auth-methods.ts';

/** What a registration says about how the client proves itself and signs its requests. */
export interface ClientKeyMetadata {
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  jwks?: unknown;
  jwksUri?: string | null | undefined;
  requestObjectSigningAlg?: string | null | undefined;
  tokenEndpointAuthSigningAlg?: string | null | undefined;
}

/** A problem with one metadata field (the caller names it in its own vocabulary). */
export interface KeyMetadataProblem {
  field: string;
  message: string;
}

const MAX_KEYS = 20;
const MAX_URI_LENGTH = 2000;
/** Members that only private or symmetric keys carry (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const MIN_RSA_BITS = 2048;

/**
 * Checks key-related client metadata (RFC 7591 §2, OIDC Registration §2): `jwks` and
 * `jwks_uri` are mutually exclusive; `jwks` holds public signing keys only (EC P-256, RSA of at
 * least 2048 bits, Ed25519) that Node can load; `jwks_uri` is a URL the egress guard may fetch;
 * `private_key_jwt` needs one of them, and so does `request_object_signing_alg`; the algs are
 * among those accepted (never `none`). Returns the first problem, or the JWK Set to store.
 */
export function checkClientKeys(
  metadata: ClientKeyMetadata,
  allowLoopbackJwksUri: boolean,
): { problem: KeyMetadataProblem } | { jwks: JSONWebKeySet | null } {
  const fail = (field: string, message: string) => ({ problem: { field, message } });
  const { tokenEndpointAuthMethod: method } = metadata;
  const hasJwks = metadata.jwks !== undefined && metadata.jwks !== null;
  const hasJwksUri = typeof metadata.jwksUri === 'string';
  if (hasJwks && hasJwksUri) return fail('jwks', 'jwks and jwks_uri cannot both be given');
  let jwks: JSONWebKeySet | null = null;
  if (hasJwks) {
    const checked = checkJwks(metadata.jwks);
    if (typeof checked === 'string') return fail('jwks', checked);
    jwks = checked;
  }
  if (hasJwksUri) {
    const problem = checkJwksUri(metadata.jwksUri!, allowLoopbackJwksUri);
    if (problem) return fail('jwks_uri', problem);
  }
  const keyed = hasJwks || hasJwksUri;
  if (method === 'private_key_jwt' && !keyed)
    return fail('jwks', 'private_key_jwt needs the client’s public keys: jwks or jwks_uri');
  const authAlg = metadata.tokenEndpointAuthSigningAlg;
  if (authAlg != null) {
    const allowed = assertionAlgorithms(method, null);
    if (!allowed.includes(authAlg))
      return fail(
        'token_endpoint_auth_signing_alg',
        allowed.length
          ? `token_endpoint_auth_signing_alg must be one of ${allowed.join(', ')} for ${method}`
          : `token_endpoint_auth_signing_alg applies only to private_key_jwt and client_secret_jwt`,
      );
  }
  const requestAlg = metadata.requestObjectSigningAlg;
  if (requestAlg != null) {
    if (!(ASYMMETRIC_ALGS as readonly string[]).includes(requestAlg))
      return fail(
        'request_object_signing_alg',
        `request_object_signing_alg must be one of ${ASYMMETRIC_ALGS.join(', ')} (unsigned request objects are refused)`,
      );
    if (!keyed) return fail('request_object_signing_alg', 'signed request objects need jwks or jwks_uri');
  }
  return { jwks };
}

/** A JWK Set of public signing keys, or a sentence saying what is wrong with it. */
export function checkJwks(value: unknown): JSONWebKeySet | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'jwks must be a JWK Set: an object with a "keys" array';
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'jwks must have a non-empty "keys" array';
  if (keys.length > MAX_KEYS) return `jwks may hold at most ${MAX_KEYS} keys`;
  const kids = new Set<string>();
  const checked: JWK[] = [];
  for (const [index, key] of keys.entries()) {
    const problem = checkPublicJwk(key);
    if (problem) return `jwks key ${index}: ${problem}`;
    const kid = (key as JWK).kid;
    if (kid !== undefined) {
      if (kids.has(kid)) return `jwks key ${index}: kid ${kid} is used twice`;
      kids.add(kid);
    }
    checked.push(key as JWK);
  }
  return { keys: checked };
}

function checkPublicJwk(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'not a JSON object';
  const jwk = key as Record<string, unknown>;
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined))
    return 'holds private or symmetric key material; register public keys only';
  if (jwk.kid !== undefined && (typeof jwk.kid !== 'string' || jwk.kid.length === 0 || jwk.kid.length > 200))
    return 'kid must be a non-empty string';
  if (jwk.use !== undefined && jwk.use !== 'sig') return 'use must be "sig"';
  if (jwk.alg !== undefined && !(ASYMMETRIC_ALGS as readonly string[]).includes(jwk.alg as string))
    return `alg must be one of ${ASYMMETRIC_ALGS.join(', ')}`;
  if (jwk.kty === 'EC' && jwk.crv !== 'P-256') return 'EC keys must be on P-256 (ES256)';
  if (jwk.kty === 'OKP' && jwk.crv !== 'Ed25519') return 'OKP keys must be Ed25519 (EdDSA, Ed25519)';
  if (jwk.kty !== 'EC' && jwk.kty !== 'OKP' && jwk.kty !== 'RSA') return 'kty must be EC, RSA or OKP';
  let loaded;
  try {
    loaded = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch {
    return 'is not a valid public key';
  }
  if (jwk.kty === 'RSA' && (loaded.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS)
    return `RSA keys must be at least ${MIN_RSA_BITS} bits`;
  return undefined;
}

function checkJwksUri(value: string, allowLoopback: boolean): string | undefined {
  if (value.length > MAX_URI_LENGTH) return 'jwks_uri is too long';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'jwks_uri must be an absolute https URL';
  }
  if (url.hash) return 'jwks_uri must not have a fragment';
  const refused = checkDestination(url, allowLoopback);
  return refused ? `jwks_uri ${refused}` : undefined;
}
