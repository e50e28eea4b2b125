import { SourceError } from '../../../errors.ts';

export interface OAuthEndpoints {
  authorize: string;
  token: string;
  revoke: string;
  /** The exchange's API base URL (what access tokens are for). */
  api: string;
}

export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string | undefined;
}

/** Tokens as stored (sealed) with an OAuth-linked connection. */
export interface ExchangeTokens {
  access_token: string;
  refresh_token?: string;
  /** Unix ms. */
  expires_at?: number;
}

/** The exchange refused the grant (a spent or revoked refresh token, a bad code): the person must link again. */
export class OAuthGrantRefused extends SourceError {
  constructor(message: string) {
    super('auth', message);
  }
}

/**
 * Consentry as an OAuth client of an exchange (RFC 6749 token endpoint with PKCE, RFC 7009
 * revocation), client authentication in the form body as Coinbase documents it.
 */
export class ExchangeOAuthClient {
  constructor(
    private readonly name: string,
    private readonly endpoints: OAuthEndpoints,
    private readonly client: OAuthClientCredentials,
    private readonly options: { timeoutMs: number; now(): number },
  ) {}

  authorizeUrl(params: { redirectUri: string; state: string; challenge: string; scopes: string[] }): string {
    const url = new URL(this.endpoints.authorize);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: this.client.clientId,
      redirect_uri: params.redirectUri,
      state: params.state,
      scope: params.scopes.join(' '),
      code_challenge: params.challenge,
      code_challenge_method: 'S256',
    }).toString();
    return url.toString();
  }

  exchangeCode(code: string, verifier: string, redirectUri: string): Promise<ExchangeTokens> {
    return this.token({ grant_type: 'authorization_code', code, code_verifier: verifier, redirect_uri: redirectUri });
  }

  /** A rotated pair: the exchange may (Coinbase does) spend the old refresh token. */
  refresh(refreshToken: string): Promise<ExchangeTokens> {
    return this.token({ grant_type: 'refresh_token', refresh_token: refreshToken });
  }

  /** Best effort (RFC 7009): true when the exchange accepted it. */
  async revoke(token: string): Promise<boolean> {
    try {
      const answer = await this.post(this.endpoints.revoke, { token });
      return answer.ok;
    } catch {
      return false;
    }
  }

  private async token(params: Record<string, string>): Promise<ExchangeTokens> {
    const answer = await this.post(this.endpoints.token, params);
    const body = (await answer.json().catch(() => ({}))) as Record<string, unknown>;
    if (answer.status === 400 || answer.status === 401) {
      const reason = typeof body['error'] === 'string' ? body['error'] : `HTTP ${answer.status}`;
      throw new OAuthGrantRefused(
        `${this.name} refused the authorization (${reason}); link ${this.name} again to keep reading it`,
      );
    }
    if (!answer.ok || typeof body['access_token'] !== 'string')
      throw new SourceError('unavailable', `${this.name}'s token endpoint answered ${answer.status}`);
    const expiresIn = Number(body['expires_in']);
    return {
      access_token: body['access_token'],
      ...(typeof body['refresh_token'] === 'string' ? { refresh_token: body['refresh_token'] } : {}),
      ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expires_at: this.options.now() + expiresIn * 1000 } : {}),
    };
  }

  private async post(url: string, params: Record<string, string>): Promise<Response> {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          ...params,
          client_id: this.client.clientId,
          ...(this.client.clientSecret ? { client_secret: this.client.clientSecret } : {}),
        }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch {
      throw new SourceError('unavailable', `${this.name}'s authorization server could not be reached`);
    }
  }
}
