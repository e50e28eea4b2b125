/** Which of CoinGecko's access kinds a configuration uses: no key, a demo key, or a paid (Pro) key. */
export type CoinGeckoPlan = 'keyless' | 'demo' | 'pro';

export interface CoinGeckoPlanLimits {
  /** Requests a minute the plan allows. */
  callsPerMinute: number;
  /** Coin ids one `/simple/price` call may name. */
  idsPerCall: number;
  /** Contract addresses one `/simple/token_price/{platform}` call may name. */
  contractsPerCall: number;
  /** How far back market charts reach, in days; undefined: the whole history. */
  historyDays: number | undefined;
}

/**
 * CoinGecko's documented limits per plan (docs.coingecko.com, 2024–2026):
 * - keyless: rate-limited by IP, "5 to 15 calls per minute" depending on load, so the floor;
 *   `/simple/token_price` refuses more than 10 contract addresses (400, error_code 10012).
 * - demo (`x-cg-demo-api-key` on api.coingecko.com): 30 calls a minute (later pages say 100;
 *   30 is the figure that has always held).
 * - pro (`x-cg-pro-api-key` on pro-api.coingecko.com): by plan; 250 is the smallest paid one
 *   (Basic), larger plans set COINGECKO_CALLS_PER_MINUTE.
 * Every plan: at most 515 ids or contract addresses a call. Keyless and demo market charts
 * reach back 365 days only (older ranges: 401, error_code 10012).
 */
export const PLAN_LIMITS: Record<CoinGeckoPlan, CoinGeckoPlanLimits> = {
  keyless: { callsPerMinute: 5, idsPerCall: 515, contractsPerCall: 10, historyDays: 365 },
  demo: { callsPerMinute: 30, idsPerCall: 515, contractsPerCall: 515, historyDays: 365 },
  pro: { callsPerMinute: 250, idsPerCall: 515, contractsPerCall: 515, historyDays: undefined },
};

/** The plan a base URL and key stand for: Pro keys belong on the pro-api host, demo keys elsewhere. */
export function coinGeckoPlan(baseUrl: string, apiKey: string | undefined): CoinGeckoPlan {
  if (!apiKey) return 'keyless';
  let host: string;
  try {
    host = new URL(baseUrl).hostname;
  } catch {
    return 'demo';
  }
  return host.startsWith('pro-api.') ? 'pro' : 'demo';
}

/** The header a plan's key travels in. */
export function keyHeader(plan: CoinGeckoPlan): string | undefined {
  return plan === 'pro' ? 'x-cg-pro-api-key' : plan === 'demo' ? 'x-cg-demo-api-key' : undefined;
}
