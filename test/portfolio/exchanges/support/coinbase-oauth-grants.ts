import { createHash, randomBytes } from 'node:crypto';

/** RFC 6749 §5.2 error as the token endpoint answers it. */
export class OAuthFailure extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
  ) {
    super(description);
  }
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  scope: string[];
  challenge: string;
  expiresAt: number;
  grantId: string;
}

interface IssuedToken {
  kind: 'access' | 'refresh';
  grantId: string;
  clientId: string;
  scope: string[];
  expiresAt: number;
}

/**
 * Codes, access tokens and refresh tokens of the stand-in's authorization server. Codes are single
 * use (a replay revokes the grant, RFC 6749 §4.1.2); refresh tokens rotate: using one revokes it
 * and answers a new pair; revoking a refresh token revokes its grant's access tokens (RFC 7009 §2.1).
 */
export class CoinbaseGrants {
  readonly tokensIssued = new Set<string>();
  readonly revoked = new Set<string>();
  private readonly codes = new Map<string, PendingCode>();
  private readonly usedCodes = new Map<string, string>();
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly now: () => number,
    private readonly accessTtlSeconds: number,
  ) {}

  issueCode(request: Omit<PendingCode, 'expiresAt' | 'grantId'>): string {
    const code = randomToken();
    this.codes.set(code, { ...request, expiresAt: this.now() + 600_000, grantId: randomToken() });
    return code;
  }

  /** grant_type=authorization_code with PKCE (S256 only). */
  redeemCode(
    clientId: string,
    code: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): TokenAnswer {
    const reusedGrant = this.usedCodes.get(code);
    if (reusedGrant) {
      this.revokeGrant(reusedGrant);
      throw new OAuthFailure('invalid_grant', 'The authorization code has already been used');
    }
    const pending = this.codes.get(code);
    if (!pending || pending.clientId !== clientId)
      throw new OAuthFailure('invalid_grant', 'The provided authorization grant is invalid, expired or revoked');
    this.codes.delete(code);
    this.usedCodes.set(code, pending.grantId);
    if (pending.expiresAt <= this.now()) throw new OAuthFailure('invalid_grant', 'The authorization code expired');
    if (redirectUri !== pending.redirectUri)
      throw new OAuthFailure('invalid_grant', 'The redirect_uri does not match the authorization request');
    if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier))
      throw new OAuthFailure('invalid_request', 'code_verifier is missing or malformed');
    if (createHash('sha256').update(verifier).digest('base64url') !== pending.challenge)
      throw new OAuthFailure('invalid_grant', 'The code_verifier does not match the code_challenge');
    return this.issuePair(pending.grantId, clientId, pending.scope);
  }

  /** grant_type=refresh_token: the presented token is spent whatever the outcome. */
  rotate(clientId: string, refreshToken: string): TokenAnswer {
    const token = this.tokens.get(refreshToken);
    if (!token || token.kind !== 'refresh' || this.revoked.has(refreshToken) || token.clientId !== clientId)
      throw new OAuthFailure('invalid_grant', 'The provided authorization grant is invalid, expired or revoked');
    this.revoked.add(refreshToken);
    return this.issuePair(token.grantId, clientId, token.scope);
  }

  /** RFC 7009: unknown tokens and other clients' tokens are ignored, not errors. */
  revoke(clientId: string, value: string): void {
    const token = this.tokens.get(value);
    if (!token || token.clientId !== clientId) return;
    if (token.kind === 'refresh') this.revokeGrant(token.grantId);
    else this.revoked.add(value);
  }

  /** A bearer token's standing, for the API. */
  check(value: string): { scope: string[] } | 'invalid_token' | 'revoked_token' | 'expired_token' {
    const token = this.tokens.get(value);
    if (!token || token.kind !== 'access') return 'invalid_token';
    if (this.revoked.has(value)) return 'revoked_token';
    if (token.expiresAt <= this.now()) return 'expired_token';
    return { scope: token.scope };
  }

  private revokeGrant(grantId: string): void {
    for (const [value, token] of this.tokens) if (token.grantId === grantId) this.revoked.add(value);
  }

  private issuePair(grantId: string, clientId: string, scope: string[]): TokenAnswer {
    const access = randomToken();
    this.tokens.set(access, {
      kind: 'access',
      grantId,
      clientId,
      scope,
      expiresAt: this.now() + this.accessTtlSeconds * 1000,
    });
    this.tokensIssued.add(access);
    const answer: TokenAnswer = {
      access_token: access,
      token_type: 'bearer',
      expires_in: this.accessTtlSeconds,
      scope: scope.join(' '),
    };
    // Coinbase gives a refresh token only to grants that asked for offline_access.
    if (scope.includes('offline_access')) {
      const refresh = randomToken();
      this.tokens.set(refresh, { kind: 'refresh', grantId, clientId, scope, expiresAt: Number.POSITIVE_INFINITY });
      this.tokensIssued.add(refresh);
      answer.refresh_token = refresh;
    }
    return answer;
  }
}

export interface TokenAnswer {
  access_token: string;
  token_type: 'bearer';
  expires_in: number;
  refresh_token?: string;
  scope: string;
}

function randomToken(): string {
  return randomBytes(24).toString('base64url');
}
