import { SourceError } from '../../../errors.ts';
import type { SourceAdapter } from '../../source.ts';
import type { ExchangeOAuthClient, ExchangeTokens } from './oauth-client.ts';
import type { OAuthExchange, OAuthReader } from './oauth-exchange.ts';

/** An access token this close to its expiry is refreshed before it is used. */
const REFRESH_AHEAD_MS = 120_000;
/** The longest Retry-After a sync waits out inline. */
const MAX_WAIT_MS = 60_000;

export interface OAuthSourceOptions {
  exchange: OAuthExchange;
  apiUrl: string;
  client: ExchangeOAuthClient;
  tokens: ExchangeTokens;
  /** Stores rotated tokens (sealed) at once: the old refresh token is spent. */
  saveTokens(tokens: ExchangeTokens): Promise<void>;
  timeoutMs: number;
  now(): number;
}

/**
 * An exchange account linked by OAuth: every read carries a fresh access token (refreshed ahead
 * of expiry, the rotated refresh token saved before anything else), a refused refresh makes the
 * connection needs_reauth, and a rate limit is waited out for its Retry-After.
 */
export function oauthSource(options: OAuthSourceOptions): SourceAdapter & { balancesFirst: true; reader: OAuthReader } {
  const { exchange } = options;
  let tokens = options.tokens;

  async function refresh(): Promise<void> {
    if (!tokens.refresh_token)
      throw new SourceError('auth', `the ${exchange.name} authorization expired; link ${exchange.name} again`);
    const fresh = await options.client.refresh(tokens.refresh_token);
    tokens = { ...fresh, refresh_token: fresh.refresh_token ?? tokens.refresh_token };
    await options.saveTokens(tokens);
  }

  async function fresh(): Promise<string> {
    if (tokens.expires_at !== undefined && tokens.expires_at - options.now() < REFRESH_AHEAD_MS) await refresh();
    return tokens.access_token;
  }

  async function get(path: string): Promise<Record<string, unknown>> {
    // Paths (and the exchange's own next-page links) are absolute paths on the API's host.
    if (!path.startsWith('/')) throw new SourceError('invalid', `unexpected API path ${path}`);
    const url = new URL(options.apiUrl.replace(/\/$/, '') + path);
    let refreshed = false;
    for (let waited = 0; ;) {
      const answer = await fetch(url, {
        headers: { authorization: `Bearer ${await fresh()}`, accept: 'application/json', ...exchange.apiHeaders },
        signal: AbortSignal.timeout(options.timeoutMs),
      }).catch(() => {
        throw new SourceError('unavailable', `${exchange.name} could not be reached`);
      });
      if (answer.status === 401 && !refreshed) {
        // Expired or revoked early: one refresh tells which.
        refreshed = true;
        await answer.arrayBuffer();
        await refresh();
        continue;
      }
      if (answer.status === 401 || answer.status === 403)
        throw new SourceError('auth', `${exchange.name} no longer accepts Consentry's authorization; link it again`);
      if (answer.status === 429 && waited === 0) {
        const seconds = Number(answer.headers.get('retry-after') ?? '1');
        const wait = Number.isFinite(seconds) ? seconds * 1000 : 1000;
        await answer.arrayBuffer();
        if (wait > MAX_WAIT_MS) throw new SourceError('unavailable', `${exchange.name} is rate limiting; later`);
        waited = wait;
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      if (!answer.ok) throw new SourceError('unavailable', `${exchange.name} answered ${answer.status}`);
      return (await answer.json()) as Record<string, unknown>;
    }
  }

  const reader = exchange.reader(get);
  return {
    balancesFirst: true,
    reader,
    async validate() {
      await fresh();
    },
    fetchBalances: () => reader.balances(),
    fetchTransactions: (cursor) => reader.transactions(cursor),
    ...(reader.assetHints ? { assetHints: () => reader.assetHints!() } : {}),
  };
}
