import { createHash, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import { sha256 } from '../../kernel/crypto/tokens.ts';
import type { ProviderDefinition } from '../catalog/provider-definition.ts';
import { ApiError, badRequest, SourceError } from '../errors.ts';
import type { PortfolioSettings } from '../settings.ts';
import type { ExchangeOAuthClient, ExchangeTokens } from '../sources/exchange/oauth/oauth-client.ts';
import { oauthClientFor, oauthEndpoints, type OAuthExchange } from '../sources/exchange/oauth/oauth-exchange.ts';
import { oauthExchange } from '../sources/exchange/oauth/oauth-exchanges.ts';
import { oauthSource } from '../sources/exchange/oauth/oauth-source.ts';
import type { Credentials } from './connection.ts';
import type { ConnectionRepository } from './connection-repository.ts';

/** How long a person has to finish the exchange's consent. */
const PENDING_MS = 3600_000;

export interface OAuthLinkingDeps {
  settings: PortfolioSettings;
  issuer: string;
  repo: ConnectionRepository;
  box: SecretBox;
  now(): number;
  /** Starts the first sync of a connection whose link finished. */
  syncNow(connectionId: string): Promise<void>;
}

export interface StartedOAuth {
  credentials: Extract<Credentials, { type: 'oauth2' }>;
  stateHash: string;
  redirectUrl: string;
}

/**
 * Linking an exchange through the exchange's own OAuth, with Consentry as its client
 * (authorization code, PKCE S256, a single-use `state` that is stored only as a hash). The
 * pending link is a connection in `pending` holding the PKCE verifier; the exchange sends the
 * person back to /connect/oauth/callback/<provider>, where the code becomes sealed tokens.
 */
export class OAuthLinking {
  constructor(private readonly deps: OAuthLinkingDeps) {}

  /** The redirect URI registered at the exchange for Consentry (one per provider). */
  redirectUri(providerId: string): string {
    return `${this.deps.issuer}/connect/oauth/callback/${providerId}`;
  }

  client(exchange: OAuthExchange): ExchangeOAuthClient {
    const client = oauthClientFor(exchange, this.deps.settings, this.deps.now);
    if (!client) throw badRequest(`${exchange.name} is not set up for OAuth linking here; link it by API key`);
    return client;
  }

  /** @throws ApiError 400 when the provider does not link by OAuth here */
  start(provider: ProviderDefinition, returnTo?: string): StartedOAuth {
    const exchange = oauthExchange(provider.providerId);
    if (!exchange || !provider.authTypes.includes('oauth2'))
      throw badRequest(`${provider.name} does not link through OAuth here`, provider.providerId);
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const redirectUrl = this.client(exchange).authorizeUrl({
      redirectUri: this.redirectUri(provider.providerId),
      state,
      challenge,
      scopes: exchange.scopes,
    });
    return {
      credentials: { type: 'oauth2', pending: { verifier, ...(returnTo ? { returnTo } : {}) } },
      stateHash: sha256(state),
      redirectUrl,
    };
  }

  /**
   * Finishes a pending link with the exchange's code: tokens sealed, the exchange's account id as
   * the duplicate key, the first sync queued. `userId`: the person who must own the pending link.
   * @throws ApiError 400 (unknown or expired state, refused code), 409 (account already linked), 503
   */
  async finish(
    providerId: string,
    state: string,
    code: string,
    userId: string,
  ): Promise<{ connectionId: string; returnTo?: string }> {
    const stateHash = sha256(state);
    const pending = await this.deps.repo.findPendingOAuth(stateHash);
    const expired = pending && this.deps.now() - pending.createdAt > PENDING_MS;
    if (!pending || pending.userId !== userId || pending.providerId !== providerId || expired) {
      if (pending && expired) await this.deps.repo.deleteMany(pending.userId, [pending.id]);
      throw badRequest('this authorization is unknown, already used or expired; start linking again', providerId);
    }
    const exchange = oauthExchange(providerId)!;
    const credentials = JSON.parse(this.deps.box.open(pending.sealed)) as Extract<Credentials, { type: 'oauth2' }>;
    const client = this.client(exchange);
    let tokens: ExchangeTokens;
    let accountId: string;
    try {
      tokens = await client.exchangeCode(code, credentials.pending!.verifier, this.redirectUri(providerId));
      // Reading whose account it is may already refresh (and rotate) a short-lived token: keep the newest.
      accountId = await this.reader(exchange, tokens, (rotated) => (tokens = rotated)).accountId();
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'auth')
        throw new ApiError(400, 'provider_auth_failed', error.message, providerId);
      if (error instanceof SourceError) throw new ApiError(503, 'provider_unavailable', error.message, providerId);
      throw error;
    }
    const identityKey = `oauth2:${sha256(accountId)}`;
    const duplicate = await this.deps.repo.findByIdentity(userId, providerId, identityKey);
    if (duplicate) {
      await this.revoke(exchange, tokens);
      await this.deps.repo.deleteMany(userId, [pending.id]);
      throw new ApiError(409, 'conflict', `this ${exchange.name} account is already linked`, providerId);
    }
    const sealed = this.deps.box.seal(JSON.stringify({ type: 'oauth2', ...tokens } satisfies Credentials));
    if (!(await this.deps.repo.completeOAuth(pending.id, stateHash, sealed, identityKey, this.deps.now())))
      throw badRequest('this authorization was already used; start linking again', providerId);
    await this.deps.syncNow(pending.id);
    return {
      connectionId: pending.id,
      ...(credentials.pending?.returnTo ? { returnTo: credentials.pending.returnTo } : {}),
    };
  }

  /** Tells the exchange to forget the tokens (unlinking); best effort. */
  async revokeCredentials(providerId: string, credentials: Credentials): Promise<void> {
    const exchange = oauthExchange(providerId);
    if (!exchange || credentials.type !== 'oauth2' || !credentials.access_token) return;
    await this.revoke(exchange, {
      access_token: credentials.access_token,
      ...(credentials.refresh_token ? { refresh_token: credentials.refresh_token } : {}),
    });
  }

  private async revoke(exchange: OAuthExchange, tokens: ExchangeTokens): Promise<void> {
    const client = this.client(exchange);
    // Revoking the refresh token ends the grant; the access token is revoked too for exchanges that keep them apart.
    if (tokens.refresh_token) await client.revoke(tokens.refresh_token);
    await client.revoke(tokens.access_token);
  }

  private reader(exchange: OAuthExchange, tokens: ExchangeTokens, rotated: (tokens: ExchangeTokens) => void) {
    return oauthSource({
      exchange,
      apiUrl: oauthEndpoints(exchange, this.deps.settings).api,
      client: this.client(exchange),
      tokens,
      saveTokens: async (fresh) => rotated(fresh),
      timeoutMs: this.deps.settings.sourceTimeoutMs,
      now: this.deps.now,
    }).reader;
  }
}
