import { createHash } from 'node:crypto';
import type { Exchange, Market } from 'ccxt';

/** How long an exchange's markets and currencies are reused before they are loaded again. */
const MARKETS_TTL_MS = 3600_000;

const cache = new Map<
  string,
  { markets: Market[]; currencies: Exchange['currencies']; options: Record<string, unknown>; at: number }
>();
/** Keys whose markets are cached, at most: the cache must not grow with the number of people. */
const MAX_ENTRIES = 1000;

/**
 * Loads the exchange's markets once an hour per exchange, endpoint and key, not once per sync:
 * they are large (Binance's weigh 20 of the 6,000 a minute allows). Per key, because loading
 * also learns things about the account into ccxt's options (KuCoin: whether it trades on the
 * high-frequency endpoints), which are restored with the markets.
 */
export async function loadMarketsCached(exchange: Exchange, apiUrl: string | undefined, now: number): Promise<void> {
  const account = createHash('sha256')
    .update(exchange.apiKey ?? '')
    .digest('base64url');
  const key = `${exchange.id}\u0000${apiUrl ?? ''}\u0000${account}`;
  const hit = cache.get(key);
  if (hit && now - hit.at < MARKETS_TTL_MS) {
    Object.assign(exchange.options, hit.options);
    // ccxt's typings leave the second argument out; it takes the currencies loadMarkets found.
    (exchange.setMarkets as (markets: Market[], currencies?: Exchange['currencies']) => unknown)(
      hit.markets,
      hit.currencies,
    );
    return;
  }
  const before = { ...exchange.options };
  try {
    await exchange.loadMarkets();
  } catch (error) {
    // ccxt keeps the failed promise and would answer it again: the retry (after a clock
    // resynchronization, say) must really load.
    (exchange as unknown as { marketsLoading: unknown }).marketsLoading = undefined;
    throw error;
  }
  const learned = Object.fromEntries(
    Object.entries(exchange.options).filter(([name, value]) => before[name] !== value && typeof value !== 'object'),
  );
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, {
    markets: Object.values(exchange.markets ?? {}),
    currencies: exchange.currencies,
    options: learned,
    at: now,
  });
}

/** Quote currencies a person is likely to have traded against even if they hold none now. */
const COMMON_QUOTES = new Set([
  'USDT',
  'USDC',
  'BUSD',
  'FDUSD',
  'TUSD',
  'DAI',
  'BTC',
  'ETH',
  'BNB',
  'EUR',
  'USD',
  'GBP',
]);

/**
 * The spot markets whose trades are read, for an exchange that answers trades per market only:
 * every market of an asset the person holds or moved (balances, deposits, withdrawals, the ledger,
 * earlier trades) against a currency they hold or a common quote. A market of an asset bought and
 * wholly sold again with no other trace is not found: the exchange offers no way to list them.
 */
export function tradedMarkets(exchange: Exchange, assets: Iterable<string>): string[] {
  const held = new Set(assets);
  return (Object.values(exchange.markets ?? {}) as Array<NonNullable<Market>>)
    .filter((m) => m.spot && held.has(m.base) && (held.has(m.quote) || COMMON_QUOTES.has(m.quote)))
    .map((m) => m.symbol)
    .sort();
}
