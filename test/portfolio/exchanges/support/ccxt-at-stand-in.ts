import ccxt, { type Exchange } from 'ccxt';
import type { ExchangeDefinition } from '../../../../src/portfolio/sources/exchange/exchange-definition.ts';
import type { ExchangeStandIn } from './exchange-stand-in.ts';

/** Replaces the scheme and host of every API URL, keeping paths, as the engine does with `EXCHANGE_API_URLS`. */
export function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** A real ccxt exchange, built as the engine builds it, talking to the stand-in. */
export function ccxtAt(
  definition: ExchangeDefinition,
  standIn: ExchangeStandIn,
  key: { api_key: string; secret_key: string; passphrase?: string } = standIn.key,
): Exchange {
  const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[definition.ccxtId]!;
  const exchange = new ExchangeClass({
    apiKey: key.api_key,
    secret: key.secret_key,
    ...(key.passphrase ? { password: key.passphrase } : {}),
    enableRateLimit: true,
    options: structuredClone(definition.options ?? {}),
  });
  exchange.number = String as unknown as typeof exchange.number;
  exchange.urls['api'] = pointAt(exchange.urls['api'], standIn.url) as typeof exchange.urls.api;
  return exchange;
}

/**
 * Reads a history the way the engine pages it: `since` = latest timestamp + 1 while a page is full.
 * The latest, not the last: ccxt's cursor paginator hands pages back newest first. Returns every
 * record and the number of calls made.
 */
export async function readPaged<T extends { timestamp?: number | undefined }>(
  call: (since: number) => Promise<T[]>,
  since: number,
  limit: number,
): Promise<{ items: T[]; calls: number }> {
  const items: T[] = [];
  let calls = 0;
  for (;;) {
    const page = await call(since);
    calls++;
    items.push(...page);
    if (page.length < limit) return { items, calls };
    since = Math.max(...page.map((item) => item.timestamp!)) + 1;
  }
}
