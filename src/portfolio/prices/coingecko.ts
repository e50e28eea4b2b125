import { Decimal } from 'decimal.js';
import { coinGeckoGet, type CoinGeckoOptions } from './coingecko-http.ts';
import { coinGeckoPlan, PLAN_LIMITS } from './coingecko-plan.ts';
import type { PriceSource } from './price-source.ts';

const DAY_MS = 86_400_000;
/** Kept inside a plan's history reach, so a clock a little ahead of CoinGecko's asks nothing it refuses. */
const REACH_MARGIN_MS = 3_600_000;

/**
 * CoinGecko's REST API: /simple/price and /simple/token_price for current prices, one request
 * per batch the plan allows (never one per asset), /coins/{id}/market_chart/range (and the
 * contract variant) for history, within the plan's reach. Prices arrive as JSON numbers; each
 * is turned into its shortest exact decimal string at once and never used as a float in
 * arithmetic.
 */
export function coinGeckoSource(options: CoinGeckoOptions): PriceSource {
  const vs = (options.currency ?? 'USD').toLowerCase();
  const get = coinGeckoGet(options);
  const limits = PLAN_LIMITS[options.plan ?? coinGeckoPlan(options.baseUrl, options.apiKey)];
  const now = options.now ?? Date.now;
  const reachMs = limits.historyDays === undefined ? undefined : limits.historyDays * DAY_MS - REACH_MARGIN_MS;
  const earliestHistory = reachMs === undefined ? undefined : (at: number) => at - reachMs;

  return {
    name: 'coingecko',
    async current(keys) {
      const prices = new Map<string, string | null>(keys.map((k) => [k, null]));
      const ids = [...new Set(keys.filter((k) => k.startsWith('coin:')).map((k) => k.slice(5)))];
      for (const batch of chunks(ids, limits.idsPerCall)) {
        const body = await get('/simple/price', { ids: batch.join(','), vs_currencies: vs });
        for (const id of batch) prices.set(`coin:${id}`, decimal(entry(body, id)?.[vs]));
      }
      const byPlatform = new Map<string, Set<string>>();
      for (const key of keys.filter((k) => k.startsWith('token:'))) {
        const [, platform, contract] = key.split(':');
        if (!platform || !contract) continue;
        byPlatform.set(platform, (byPlatform.get(platform) ?? new Set()).add(contract));
      }
      for (const [platform, contracts] of byPlatform)
        for (const batch of chunks([...contracts], limits.contractsPerCall)) {
          const body = await get(`/simple/token_price/${encodeURIComponent(platform)}`, {
            contract_addresses: batch.join(','),
            vs_currencies: vs,
          });
          for (const contract of batch)
            prices.set(`token:${platform}:${contract}`, decimal(entry(body, answerKey(contract))?.[vs]));
        }
      return prices;
    },
    async history(key, from, to) {
      const [kind, a, b] = key.split(':');
      const path =
        kind === 'coin' && a
          ? `/coins/${encodeURIComponent(a)}/market_chart/range`
          : kind === 'token' && a && b
            ? `/coins/${encodeURIComponent(a)}/contract/${encodeURIComponent(b)}/market_chart/range`
            : undefined;
      const start = earliestHistory ? Math.max(from, earliestHistory(now())) : from;
      if (!path || start > to) return [];
      const body = (await get(path, {
        vs_currency: vs,
        from: String(Math.ceil(start / 1000)),
        to: String(Math.ceil(to / 1000)),
      })) as { prices?: unknown } | undefined;
      if (!Array.isArray(body?.prices)) return [];
      const points: Array<{ at: number; price: string }> = [];
      for (const item of body.prices as unknown[]) {
        if (!Array.isArray(item) || typeof item[0] !== 'number') continue;
        const price = decimal(item[1]);
        if (price !== null) points.push({ at: Math.round(item[0]), price });
      }
      return points.sort((x, y) => x.at - y.at);
    },
    ...(earliestHistory ? { earliestHistory } : {}),
  };
}

/**
 * The key CoinGecko answers a contract under: EVM addresses (0x…) lowercased whatever case was
 * asked; others — Solana mints are base58, where case is part of the address — exactly as asked.
 */
function answerKey(contract: string): string {
  return /^0x[0-9a-f]+$/i.test(contract) ? contract.toLowerCase() : contract;
}

/** One entry of a `{<key>: {<currency>: number}}` answer, never one of Object's own properties. */
function entry(body: unknown, key: string): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null || !Object.hasOwn(body, key)) return undefined;
  const value = (body as Record<string, unknown>)[key];
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A JSON number from CoinGecko as its shortest round-trip decimal string (e.g. 67187.33 → "67187.33"). */
function decimal(value: unknown): string | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  return new Decimal(String(value)).toFixed();
}
