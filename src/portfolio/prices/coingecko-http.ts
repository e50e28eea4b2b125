import { PriceSourceUnavailable } from './price-source.ts';

export interface CoinGeckoOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  timeoutMs: number;
  currency?: string;
  fetch?: typeof fetch;
}

/**
 * A GET on CoinGecko's REST API with the key in the header its plan expects (Pro keys on the
 * pro-api host, demo keys elsewhere). A 404 is `undefined` (an unknown coin); any other failure
 * is PriceSourceUnavailable.
 */
export function coinGeckoGet(
  options: CoinGeckoOptions,
): (path: string, query: Record<string, string>) => Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.apiKey)
    headers[options.baseUrl.includes('pro-api') ? 'x-cg-pro-api-key' : 'x-cg-demo-api-key'] = options.apiKey;

  return async (path, query) => {
    const url = `${options.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    let response: Response;
    try {
      response = await doFetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      throw new PriceSourceUnavailable(`CoinGecko is unreachable: ${(error as Error).message}`);
    }
    if (response.status === 404) return undefined;
    if (!response.ok) throw new PriceSourceUnavailable(`CoinGecko answered ${response.status}`);
    try {
      return await response.json();
    } catch (error) {
      // A body cut off by the timeout or a proxy's HTML page: the same as no answer.
      throw new PriceSourceUnavailable(`CoinGecko sent an unreadable body: ${(error as Error).message}`);
    }
  };
}
