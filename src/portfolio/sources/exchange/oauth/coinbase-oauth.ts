import type { AssetHints, CurrencyHint } from '../../../assets/asset-hints.ts';
import { exchangeNamespace } from '../../../assets/known-assets.ts';
import type { BalanceItem, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { SourceError } from '../../../errors.ts';
import { coinbaseV2Balances, coinbaseV2Transaction, mergeCoinbaseV2Halves } from './coinbase-v2.ts';
import type { OAuthExchange, OAuthReader } from './oauth-exchange.ts';

/** The v2 API version Consentry reads (Coinbase wants it named on every request). */
const CB_VERSION = '2024-05-01';
const PAGE = 100;

type Json = Record<string, unknown>;

/**
 * Coinbase (the consumer app's wallet API, v2) linked by Coinbase's own OAuth: Consentry asks
 * for read scopes only, and `offline_access` for a refresh token.
 * @see https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/oauth2-reference
 */
export const coinbaseOAuth: OAuthExchange = {
  providerId: 'coinbase',
  name: 'Coinbase',
  defaults: {
    authorize: 'https://login.coinbase.com/oauth2/auth',
    token: 'https://login.coinbase.com/oauth2/token',
    revoke: 'https://login.coinbase.com/oauth2/revoke',
    api: 'https://api.coinbase.com',
  },
  scopes: ['wallet:user:read', 'wallet:accounts:read', 'wallet:transactions:read', 'offline_access'],
  apiHeaders: { 'CB-VERSION': CB_VERSION },
  reader: (get) => coinbaseReader(get),
};

/** The cursor: per account, the newest transaction time already read. */
interface Cursor {
  v: 1;
  since: Record<string, number>;
}

/** Transactions a pass reads again before the newest one it knows (late postings, pending ones settling). */
const OVERLAP_MS = 24 * 3600_000;

function coinbaseReader(get: (path: string) => Promise<Json>): OAuthReader {
  const api = (path: string) => get(path);

  async function all(path: string, stop?: (item: Json) => boolean): Promise<Json[]> {
    const items: Json[] = [];
    let next: string | undefined = path;
    while (next) {
      const page = await api(next);
      const data = Array.isArray(page['data']) ? (page['data'] as Json[]) : [];
      for (const item of data) {
        if (stop?.(item)) return items;
        items.push(item);
      }
      const pagination = (page['pagination'] ?? {}) as Json;
      next = typeof pagination['next_uri'] === 'string' && pagination['next_uri'] ? pagination['next_uri'] : undefined;
    }
    return items;
  }

  let accounts: Promise<Json[]> | undefined;
  const listAccounts = () => (accounts ??= all(`/v2/accounts?limit=${PAGE}`));

  return {
    async accountId() {
      const user = (await api('/v2/user'))['data'] as Json | undefined;
      const id = user?.['id'];
      if (typeof id !== 'string') throw new SourceError('unavailable', 'Coinbase did not say whose account this is');
      return id;
    },
    async balances(): Promise<BalanceItem[]> {
      return coinbaseV2Balances(await listAccounts());
    },
    async transactions(text) {
      const cursor: Cursor = text ? (JSON.parse(text) as Cursor) : { v: 1, since: {} };
      const items: NormalizedTransaction[] = [];
      for (const account of await listAccounts()) {
        const id = String(account['id']);
        const since = (cursor.since[id] ?? 0) - OVERLAP_MS;
        // Newest first: read until the pages reach what an earlier pass already has.
        const list = await all(
          `/v2/accounts/${encodeURIComponent(id)}/transactions?limit=${PAGE}&expand=all`,
          (tx) => Date.parse(String(tx['created_at'])) < since,
        );
        for (const tx of list) {
          const mapped = coinbaseV2Transaction(account, tx);
          if (mapped) items.push(mapped);
          const at = Date.parse(String(tx['created_at']));
          if (Number.isFinite(at)) cursor.since[id] = Math.max(cursor.since[id] ?? 0, at);
        }
      }
      // A conversion is one transaction in each of its two accounts: one trade.
      return { items: mergeCoinbaseV2Halves(items), nextCursor: JSON.stringify(cursor), done: true };
    },
    // Each account names its currency (`{code, name, type}`): the names tell look-alike tickers apart.
    async assetHints(): Promise<AssetHints> {
      const currencies = new Map<string, CurrencyHint>();
      for (const account of await listAccounts()) {
        const currency = (account['currency'] ?? {}) as Json;
        const code = typeof currency['code'] === 'string' ? currency['code'].toUpperCase() : undefined;
        if (!code) continue;
        const name = typeof currency['name'] === 'string' ? currency['name'].trim() : '';
        currencies.set(code, {
          ...(name ? { name } : {}),
          contracts: [],
          ...(currency['type'] === 'fiat' ? { fiat: true } : currency['type'] === 'crypto' ? { fiat: false } : {}),
        });
      }
      return { namespace: exchangeNamespace('coinbase'), currencies };
    },
  };
}
