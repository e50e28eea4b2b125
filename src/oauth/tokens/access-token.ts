import type { JWTPayload } from 'jose';
import { decodeJwt, JwtRejected, verifyJwt } from '../../kernel/crypto/jwt-verify.ts';
import { signEs256, type JwsHeader } from '../../kernel/keys/sign-jws.ts';
import { newTimeOrderedId, sha256 } from '../../kernel/crypto/tokens.ts';
import type { KeyRing, LoadedKey } from '../../kernel/keys/key-ring.ts';
import { SIGNING_ALG } from '../../kernel/keys/key-ring.ts';

export interface AccessTokenClaims extends JWTPayload {
  sub: string;
  client_id: string;
  scope: string;
  jti: string;
  exp: number;
  iat: number;
  /** The token family (absent for client_credentials tokens, which have none). */
  fam?: string;
  auth_time?: number;
  /** RFC 9449 §6.1: the thumbprint of the DPoP key the token is bound to. */
  cnf?: { jkt?: string };
}

export interface AccessTokenInput {
  issuer: string;
  subject: string;
  clientId: string;
  audience: string[];
  scopes: string[];
  ttlSeconds: number;
  nowMs: number;
  familyId?: string;
  authTime?: number | null;
  /** Binds the token to this DPoP key thumbprint (`cnf.jkt`). */
  dpopJkt?: string;
  /**
   * Mint again an access token already recorded (a refresh replayed inside the grace window):
   * the same `jti`, so revoking one revokes both, and its expiry, never later.
   */
  again?: { jti: string; expiresAt: number };
}

/** Signs an RFC 9068 JWT access token (`typ: at+jwt`) whose contents `accessTokenContents` decided. */
export function signAccessToken(key: LoadedKey, contents: AccessTokenContents): Promise<string> {
  return signEs256(contents.header, contents.claims, key.privateKey);
}

/** An access token's header and claims, with its `jti` and expiry (epoch ms) for storage. */
export interface AccessTokenContents {
  header: JwsHeader;
  claims: Record<string, unknown>;
  jti: string;
  expiresAt: number;
}

/** What an access token says, before it is signed (alone, or with its ID token: id-token.ts). */
export function accessTokenContents(key: LoadedKey, input: AccessTokenInput): AccessTokenContents {
  const iat = Math.floor(input.nowMs / 1000);
  // Time-ordered: a revoked jti lands at the end of revoked_access_tokens' index.
  const jti = input.again?.jti ?? newTimeOrderedId();
  const exp = input.again ? Math.floor(input.again.expiresAt / 1000) : iat + input.ttlSeconds;
  const claims: Record<string, unknown> = {
    iss: input.issuer,
    sub: input.subject,
    aud: input.audience.length === 1 ? input.audience[0]! : input.audience,
    client_id: input.clientId,
    scope: input.scopes.join(' '),
    iat,
    exp,
    jti,
  };
  if (input.familyId) claims.fam = input.familyId;
  if (input.authTime) claims.auth_time = Math.floor(input.authTime / 1000);
  if (input.dpopJkt) claims.cnf = { jkt: input.dpopJkt };
  return { header: { alg: SIGNING_ALG, typ: 'at+jwt', kid: key.kid }, claims, jti, expiresAt: exp * 1000 };
}

/** Why a presented access token was refused; carried to the 401's `error_description`. */
export class InvalidAccessToken extends Error {}

interface Verified {
  claims: AccessTokenClaims;
  kid: string;
}

/**
 * Verifies access tokens: signature, `typ`, `iss`, `exp` and (when given) that the audience is
 * among `aud`. Revocation is checked by the caller.
 *
 * A token is presented many times in its life (every API call), so a verified token's claims
 * are remembered until it expires, keyed by the token's SHA-256: a hit costs a hash and a map
 * lookup instead of an ECDSA verification, and the cache keeps 43 characters per token rather
 * than its ~900 (for 4,096 tokens, ~3.5 MB less to grow by while the cache fills). What a hit
 * still checks: expiry against the clock, the audience of this request, and that the signing
 * key is still published (a key withdrawn by an operator takes its tokens with it). The map is
 * bounded (oldest entry out first), expired entries leave as new ones come, and the claim values
 * tokens share (issuer, audience, client, scope, subject) are kept once, not once per token: ~420
 * bytes an entry instead of ~670.
 */
export class AccessTokenVerifier {
  private readonly verified = new Map<string, Verified>();
  private readonly shared = new SharedStrings();

  constructor(
    private readonly keys: KeyRing,
    private readonly issuer: string,
    private readonly maxCached: number,
  ) {}

  async verify(token: string, audience: string | undefined, nowMs: number): Promise<AccessTokenClaims> {
    const digest = this.maxCached > 0 ? sha256(token) : '';
    const hit = this.verified.get(digest);
    if (hit && this.keys.publishes(hit.kid)) {
      if (isExpired(hit.claims, nowMs)) this.verified.delete(digest); // and refused just below
      return checkTimeAndAudience(hit.claims, audience, nowMs);
    }
    const { claims, kid } = await this.verifySignature(token, nowMs);
    this.remember(digest, { claims, kid }, nowMs);
    return checkTimeAndAudience(claims, audience, nowMs);
  }

  /** How many verified tokens are remembered now. */
  get size(): number {
    return this.verified.size;
  }

  private async verifySignature(token: string, nowMs: number): Promise<Verified> {
    let decoded;
    try {
      decoded = decodeJwt(token);
    } catch {
      throw new InvalidAccessToken('the access token is invalid');
    }
    const kid = decoded.header.kid;
    const key = typeof kid === 'string' ? await this.keys.verifyingKey(kid) : undefined;
    if (!key) throw new InvalidAccessToken('unknown signing key');
    try {
      const { payload } = await verifyJwt(token, () => key, {
        algorithms: [SIGNING_ALG],
        typ: 'at+jwt',
        issuer: this.issuer,
        nowMs,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id', 'aud'],
      });
      if (typeof payload.scope !== 'string' || typeof payload.client_id !== 'string')
        throw new InvalidAccessToken('malformed claims');
      return { claims: payload as AccessTokenClaims, kid: kid! };
    } catch (error) {
      if (error instanceof JwtRejected && error.code === 'expired')
        throw new InvalidAccessToken('the access token has expired');
      if (error instanceof JwtRejected) throw new InvalidAccessToken('the access token is invalid');
      throw error;
    }
  }

  private remember(digest: string, verified: Verified, nowMs: number): void {
    if (this.maxCached <= 0) return;
    this.dropExpired(nowMs);
    if (this.verified.size >= this.maxCached) this.verified.delete(this.verified.keys().next().value!);
    const { claims } = verified;
    for (const name of SHARED_CLAIMS) {
      const value = claims[name];
      if (typeof value === 'string') claims[name] = this.shared.of(value);
    }
    this.verified.set(digest, verified);
  }

  /**
   * Entries go in about in the order their tokens expire, so the oldest few are looked at each
   * time one is added: the cache holds the tokens still alive, rather than filling up to its bound
   * with dead ones and staying there. A few at a time keeps an addition's cost bounded.
   */
  private dropExpired(nowMs: number): void {
    let dropped = 0;
    for (const [digest, entry] of this.verified) {
      if (dropped === 4 || !isExpired(entry.claims, nowMs)) return;
      this.verified.delete(digest);
      dropped++;
    }
  }
}

/** Claims whose values repeat across many tokens; `jti`, `fam` and the times are each token's own. */
const SHARED_CLAIMS = ['iss', 'aud', 'client_id', 'scope', 'sub'] as const;

/**
 * One copy of each string seen, so that many cached tokens point at the same one. Bounded: past
 * `max` distinct values it starts afresh (the cached tokens keep the copies they hold).
 */
class SharedStrings {
  private readonly strings = new Map<string, string>();

  constructor(private readonly max = 10_000) {}

  of(value: string): string {
    const known = this.strings.get(value);
    if (known !== undefined) return known;
    if (this.strings.size >= this.max) this.strings.clear();
    this.strings.set(value, value);
    return value;
  }
}

function isExpired(claims: AccessTokenClaims, nowMs: number): boolean {
  return claims.exp <= Math.floor(nowMs / 1000);
}

function checkTimeAndAudience(claims: AccessTokenClaims, audience: string | undefined, nowMs: number) {
  if (isExpired(claims, nowMs)) throw new InvalidAccessToken('the access token has expired');
  if (
    audience !== undefined &&
    claims.aud !== audience &&
    !(Array.isArray(claims.aud) && claims.aud.includes(audience))
  )
    throw new InvalidAccessToken('the access token is meant for another resource');
  return claims;
}
