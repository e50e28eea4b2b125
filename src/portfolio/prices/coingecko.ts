import { Decimal } from 'decimal.js';
import { coinGeckoGet, type CoinGeckoOptions } from './coingecko-http.ts';
import type { PriceSource } from './price-source.ts';

/**
 * CoinGecko's REST API: /simple/price and /simple/token_price for current prices,
 * /coins/{id}/market_chart/range (and the contract variant) for history. Prices arrive as JSON
 * numbers; each is turned into its shortest exact decimal string at once and never used as a
 * float in arithmetic.
 */
export function coinGeckoSource(options: CoinGeckoOptions): PriceSource {
  const vs = (options.currency ?? 'USD').toLowerCase();
  const get = coinGeckoGet(options);

  return {
    name: 'coingecko',
    async current(keys) {
      const prices = new Map<string, string | null>(keys.map((k) => [k, null]));
      const coins = keys.filter((k) => k.startsWith('coin:')).map((k) => k.slice(5));
      if (coins.length) {
        const body = (await get('/simple/price', { ids: coins.join(','), vs_currencies: vs })) as
          Record<string, Record<string, unknown>> | undefined;
        for (const id of coins) prices.set(`coin:${id}`, decimal(body?.[id]?.[vs]));
      }
      const byPlatform = new Map<string, string[]>();
      for (const key of keys.filter((k) => k.startsWith('token:'))) {
        const [, platform, contract] = key.split(':');
        byPlatform.set(platform!, [...(byPlatform.get(platform!) ?? []), contract!]);
      }
      for (const [platform, contracts] of byPlatform) {
        const body = (await get(`/simple/token_price/${encodeURIComponent(platform)}`, {
          contract_addresses: contracts.join(','),
          vs_currencies: vs,
        })) as Record<string, Record<string, unknown>> | undefined;
        for (const contract of contracts)
          prices.set(`token:${platform}:${contract}`, decimal(body?.[contract.toLowerCase()]?.[vs]));
      }
      return prices;
    },
    async history(key, from, to) {
      const [kind, a, b] = key.split(':');
      const path =
        kind === 'coin'
          ? `/coins/${encodeURIComponent(a!)}/market_chart/range`
          : kind === 'token'
            ? `/coins/${encodeURIComponent(a!)}/contract/${b}/market_chart/range`
            : undefined;
      if (!path) return [];
      const body = (await get(path, {
        vs_currency: vs,
        from: String(Math.floor(from / 1000)),
        to: String(Math.ceil(to / 1000)),
      })) as { prices?: unknown } | undefined;
      if (!Array.isArray(body?.prices)) return [];
      const points: Array<{ at: number; price: string }> = [];
      for (const entry of body.prices as unknown[]) {
        if (!Array.isArray(entry) || typeof entry[0] !== 'number') continue;
        const price = decimal(entry[1]);
        if (price !== null) points.push({ at: Math.round(entry[0]), price });
      }
      return points.sort((x, y) => x.at - y.at);
    },
  };
}

/** A JSON number from CoinGecko as its shortest round-trip decimal string (e.g. 67187.33 → "67187.33"). */
function decimal(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  return new Decimal(String(value)).toFixed();
}
