import { errors, type BinanceAnswer } from './binance-errors.ts';

/**
 * Binance's per-minute request-weight limiter. The spot API (`/api/*`) and SAPI (`/sapi/*`) keep
 * separate counters, reported in `X-MBX-USED-WEIGHT(-1M)` and `X-SAPI-USED-IP-WEIGHT-1M`; a
 * request past the limit is answered 429 -1003 with `Retry-After` = seconds to the next minute.
 * Weights are charged on arrival, as Binance does (a client that keeps calling keeps paying).
 */
export class WeightCounter {
  private minute = -1;
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly headerNames: string[],
  ) {}

  /** Charges `weight`; answers the 429 when the minute's budget is spent. */
  charge(weight: number, now: number): { headers: Record<string, string>; rejected?: BinanceAnswer } {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.minute) {
      this.minute = minute;
      this.used = 0;
    }
    this.used += weight;
    const headers = Object.fromEntries(this.headerNames.map((name) => [name, String(this.used)]));
    if (this.used <= this.limit) return { headers };
    const retryAfter = Math.max(1, Math.ceil(((minute + 1) * 60_000 - now) / 1000));
    const rejected = errors.tooMuchWeight(this.limit, retryAfter);
    return { headers, rejected: { ...rejected, headers: { ...rejected.headers, ...headers } } };
  }
}

/** SAPI's IP limit per minute (Binance's documented 12,000), not an option of the stand-in. */
export const SAPI_IP_WEIGHT_LIMIT = 12_000;
