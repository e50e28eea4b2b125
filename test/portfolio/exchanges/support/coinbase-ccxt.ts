import ccxt, { type Exchange } from 'ccxt';
import { coinbase } from '../../../../src/portfolio/sources/exchange/exchanges/coinbase.ts';

/** Replaces the scheme and host of every API URL, keeping paths (what the engine does from EXCHANGE_API_URLS). */
export function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** ccxt's coinbase as the engine builds it (definition options, amounts as strings), aimed at a stand-in. */
export function coinbaseExchange(url: string, key: { api_key: string; secret_key: string }): Exchange {
  const Coinbase = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[coinbase.ccxtId]!;
  const exchange = new Coinbase({
    apiKey: key.api_key,
    secret: key.secret_key,
    enableRateLimit: true,
    // Coinbase's real pacing (~360 ms per v2 call) would only slow the suite; the throttle stays on.
    rateLimit: 1,
    options: coinbase.options,
  });
  exchange.number = String as unknown as typeof exchange.number;
  exchange.urls.api = pointAt(exchange.urls.api, url) as typeof exchange.urls.api;
  return exchange;
}
