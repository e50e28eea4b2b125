import type { AssetHints } from '../../../assets/asset-hints.ts';
import type { BalanceItem } from '../../../ledger/normalized.ts';
import type { PortfolioSettings } from '../../../settings.ts';
import type { TransactionBatch } from '../../source.ts';
import { ExchangeOAuthClient, type OAuthEndpoints } from './oauth-client.ts';

/** What an OAuth-linked exchange account answers, read with a valid access token. */
export interface OAuthReader {
  /** The exchange's id of the account (a second link of it is a duplicate). */
  accountId(): Promise<string>;
  balances(): Promise<BalanceItem[]>;
  transactions(cursor: string | null): Promise<TransactionBatch>;
  /** What the exchange says about its currencies (names, fiat or not), for mapping them to price coins. */
  assetHints?(): Promise<AssetHints>;
}

/**
 * An exchange Consentry links through the exchange's own OAuth: its endpoints (overridable by
 * EXCHANGE_OAUTH_URLS and EXCHANGE_API_URLS), the read-only scopes it asks for, and how its
 * API reads. A second OAuth exchange is one more of these and its mapping file.
 */
export interface OAuthExchange {
  providerId: string;
  name: string;
  defaults: OAuthEndpoints;
  scopes: string[];
  /** Headers every API request carries (Coinbase's CB-VERSION). */
  apiHeaders?: Record<string, string>;
  /** Reads the account through `get` (an authorized GET of an API path, JSON back). */
  reader(get: (path: string) => Promise<Record<string, unknown>>): OAuthReader;
}

/** The exchange's endpoints under this deployment's settings. */
export function oauthEndpoints(exchange: OAuthExchange, settings: PortfolioSettings): OAuthEndpoints {
  const urls = settings.exchangeOAuthUrls[exchange.providerId] ?? {};
  return {
    authorize: urls.authorize ?? exchange.defaults.authorize,
    token: urls.token ?? exchange.defaults.token,
    revoke: urls.revoke ?? exchange.defaults.revoke,
    api: settings.exchangeApiUrls[exchange.providerId] ?? exchange.defaults.api,
  };
}

/** Consentry's OAuth client at the exchange, or undefined when this deployment has none configured. */
export function oauthClientFor(
  exchange: OAuthExchange,
  settings: PortfolioSettings,
  now: () => number,
): ExchangeOAuthClient | undefined {
  const client = settings.exchangeOAuthClients[exchange.providerId];
  if (!client) return undefined;
  return new ExchangeOAuthClient(exchange.name, oauthEndpoints(exchange, settings), client, {
    timeoutMs: settings.sourceTimeoutMs,
    now,
  });
}
