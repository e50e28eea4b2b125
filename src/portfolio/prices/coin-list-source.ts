import { coinGeckoGet, type CoinGeckoOptions } from './coingecko-http.ts';
import { PriceSourceUnavailable } from './price-source.ts';

/** One coin CoinGecko knows: its id (the price key's), ticker, name and token contracts by platform. */
export interface Coin {
  id: string;
  /** Lowercase, as CoinGecko lists it; many coins share one. */
  symbol: string;
  name: string;
  /** Contract address by CoinGecko platform id (`ethereum`, `binance-smart-chain`, …); empty for native coins. */
  platforms: Record<string, string>;
}

/** Every coin the price source can price. @throws PriceSourceUnavailable */
export type CoinListSource = () => Promise<Coin[]>;

/**
 * CoinGecko's `GET /coins/list?include_platform=true`: a JSON array of
 * `{id, symbol, name, platforms: {<platform>: <contract>}}` (some platforms are `{"": ""}`).
 * An empty or malformed answer counts as an outage: it must never replace a good list.
 */
export function coinGeckoCoinList(options: CoinGeckoOptions): CoinListSource {
  const get = coinGeckoGet(options);
  return async () => {
    const body = await get('/coins/list', { include_platform: 'true' });
    if (!Array.isArray(body)) throw new PriceSourceUnavailable('CoinGecko sent no coins list');
    const coins = body.flatMap((entry) => toCoin(entry) ?? []);
    if (coins.length === 0) throw new PriceSourceUnavailable('CoinGecko sent an empty coins list');
    return coins;
  };
}

function toCoin(entry: unknown): Coin | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const { id, symbol, name, platforms } = entry as Record<string, unknown>;
  if (typeof id !== 'string' || !id || typeof symbol !== 'string' || !symbol || typeof name !== 'string')
    return undefined;
  const contracts: Record<string, string> = {};
  if (typeof platforms === 'object' && platforms !== null)
    for (const [platform, address] of Object.entries(platforms))
      if (platform && typeof address === 'string' && address.trim()) contracts[platform] = address.trim();
  return { id, symbol: symbol.toLowerCase(), name, platforms: contracts };
}
