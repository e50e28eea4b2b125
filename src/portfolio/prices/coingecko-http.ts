import { coinGeckoPlan, keyHeader, PLAN_LIMITS, type CoinGeckoPlan } from './coingecko-plan.ts';
import { PriceSourceUnavailable } from './price-source.ts';
import { sharedGate } from './rolling-window-gate.ts';

export interface CoinGeckoOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Deadline of one request; also how long one request may wait for its turn, unless `maxWaitMs`. */
  timeoutMs: number;
  currency?: string;
  fetch?: typeof fetch;
  /** Keyless, demo or pro; default: from the key and the host. */
  plan?: CoinGeckoPlan;
  /** Requests this process sends per window; default: the plan's documented calls a minute. */
  rateLimit?: { calls: number; windowMs: number };
  /** Longest one request waits, for its slot and through 429 answers together; default `timeoutMs`. */
  maxWaitMs?: number;
  /** Wait after a 429 that names no Retry-After; it doubles on each one after. Default 1 s. */
  backoffMs?: number;
  /** The application's clock, which history ranges are measured against. Default Date.now. */
  now?: () => number;
}

const MAX_BACKOFF_MS = 30_000;
/** Beyond the wait budget this bounds the attempts, should CoinGecko ask for no wait at all. */
const MAX_ATTEMPTS = 8;

/**
 * A GET on CoinGecko's REST API with the key in the header its plan expects (Pro keys on the
 * pro-api host, demo keys elsewhere), sent when the process's rolling window for this URL and
 * key has room. A 429 is waited out — its Retry-After, else 1 s doubling — within the request's
 * wait budget, then given up. A 404 is `undefined` (an unknown coin); any other failure is
 * PriceSourceUnavailable.
 */
export function coinGeckoGet(
  options: CoinGeckoOptions,
): (path: string, query: Record<string, string>) => Promise<unknown> {
  const doFetch = options.fetch ?? fetch;
  const plan = options.plan ?? coinGeckoPlan(options.baseUrl, options.apiKey);
  const limit = options.rateLimit ?? { calls: PLAN_LIMITS[plan].callsPerMinute, windowMs: 60_000 };
  const gate = sharedGate(`${options.baseUrl} ${options.apiKey ?? ''}`, limit.calls, limit.windowMs);
  const maxWaitMs = options.maxWaitMs ?? options.timeoutMs;
  const firstBackoffMs = options.backoffMs ?? 1000;
  const headers: Record<string, string> = { accept: 'application/json' };
  const header = keyHeader(plan);
  if (header && options.apiKey) headers[header] = options.apiKey;

  return async (path, query) => {
    const url = `${options.baseUrl}${path}?${new URLSearchParams(query).toString()}`;
    const deadline = Date.now() + maxWaitMs;
    let backoffMs = firstBackoffMs;
    let refusals = 0;
    for (;;) {
      const slot = await gate.take(deadline);
      if (slot === undefined)
        throw new PriceSourceUnavailable(
          refusals > 0
            ? `CoinGecko answered 429 (rate limited) ${refusals} time(s) and wants a wait past this request's ${maxWaitMs} ms`
            : `CoinGecko's rate limit (${limit.calls} calls per ${limit.windowMs / 1000} s) has no call free within ${maxWaitMs} ms`,
        );
      let response: Response;
      try {
        response = await doFetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        if (neverArrived(error)) gate.release(slot);
        throw new PriceSourceUnavailable(`CoinGecko is unreachable: ${(error as Error).message}`);
      }
      if (response.status !== 429) return read(response);
      await response.arrayBuffer().catch(() => undefined);
      if (++refusals >= MAX_ATTEMPTS)
        throw new PriceSourceUnavailable(`CoinGecko answered 429 (rate limited) ${refusals} times in a row`);
      const asked = retryAfterMs(response.headers.get('retry-after'));
      // Every caller of this URL and key holds back: the budget CoinGecko counts is theirs too.
      gate.closeUntil(Date.now() + (asked ?? backoffMs));
      if (asked === undefined) backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    }
  };
}

const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * A fetch that failed before any connection (refused, no such host, or refused by fetch itself
 * with a code-less network error, such as a blocked port): CoinGecko saw no request. A timeout
 * or a connection lost midway may have been counted, so those keep their slot.
 */
function neverArrived(error: unknown): boolean {
  if (!(error instanceof Error) || error.name === 'TimeoutError' || error.name === 'AbortError') return false;
  const cause = error.cause as { code?: unknown } | undefined;
  if (!cause) return false;
  return cause.code === undefined || (typeof cause.code === 'string' && CONNECT_FAILURES.has(cause.code));
}

async function read(response: Response): Promise<unknown> {
  if (response.status === 404) return undefined;
  if (!response.ok) throw new PriceSourceUnavailable(`CoinGecko answered ${response.status}`);
  try {
    return await response.json();
  } catch (error) {
    // A body cut off by the timeout or a proxy's HTML page: the same as no answer.
    throw new PriceSourceUnavailable(`CoinGecko sent an unreadable body: ${(error as Error).message}`);
  }
}

/** Retry-After as RFC 9110 allows it (delta-seconds or an HTTP date); undefined when absent, unreadable or zero. */
function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? ms : undefined;
}
