import type { Exchange } from 'ccxt';
import { SourceError } from '../../errors.ts';
import type { CcxtExceptions, ExchangeDefinition } from './exchange-definition.ts';

type Ccxt = typeof import('ccxt');

/** ccxt is large (~150 MB resident, 0.3 s to load): it is loaded on the first exchange call only. */
let loading: Promise<Ccxt> | undefined;
export function loadCcxt(): Promise<Ccxt> {
  return (loading ??= import('ccxt'));
}

export interface ExchangeKey {
  apiKey: string;
  secret: string;
  password?: string;
}

/**
 * A ccxt client for one exchange and key. Amounts come back as decimal strings (`number =
 * String`), never floats; `apiUrl` replaces the scheme and host of every endpoint ccxt knows
 * for the exchange (regional endpoints, stand-ins), keeping paths.
 */
export async function openExchange(
  definition: ExchangeDefinition,
  key: ExchangeKey | undefined,
  options: { apiUrl?: string; timeoutMs: number },
): Promise<Exchange> {
  const ccxt = await loadCcxt();
  const ExchangeClass = (ccxt as unknown as Record<string, new (config: object) => Exchange>)[definition.ccxtId];
  if (!ExchangeClass) throw new SourceError('invalid', `ccxt has no exchange ${definition.ccxtId}`);
  const exchange = new ExchangeClass({
    ...(key ? { apiKey: key.apiKey, secret: key.secret, ...(key.password ? { password: key.password } : {}) } : {}),
    enableRateLimit: true,
    // The last answer's headers (Retry-After) and body (error codes ccxt leaves unclassified).
    enableLastResponseHeaders: true,
    enableLastJsonResponse: true,
    timeout: options.timeoutMs,
    options: { ...definition.options },
    ...(definition.exceptions ? { exceptions: ccxtExceptions(ccxt, definition.exceptions) } : {}),
    ...(definition.budgetWindow
      ? { rateLimiterAlgorithm: 'rollingWindow', rollingWindowSize: definition.budgetWindow.windowMs }
      : {}),
  });
  exchange.number = String as unknown as typeof Number;
  if (options.apiUrl) exchange.urls.api = pointAt(exchange.urls.api, options.apiUrl) as typeof exchange.urls.api;
  if (definition.budgetWindow) shareBudget(exchange, definition, options.apiUrl);
  return exchange;
}

/** A definition's error names (see CcxtExceptions) as the ccxt classes its constructor takes. */
export function ccxtExceptions(ccxt: object, exceptions: CcxtExceptions) {
  const classes = (names: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(names).map(([text, name]) => [text, (ccxt as unknown as Record<string, unknown>)[name]]),
    );
  return { exact: classes(exceptions.exact), broad: classes(exceptions.broad) };
}

/** The rolling-window limiter of each exchange and endpoint, shared by all its clients in this process. */
const budgets = new Map<string, Exchange['throttler']>();

/**
 * Measured with the Binance stand-in (bench/exchange-sync.ts, 20 ms a call): ccxt's leaky bucket
 * credits no time spent between calls (it restarts its clock when a call asks), so a sync that
 * parses and stores each page between calls used only 74–79% of the weight Binance allows, and its
 * 1 ms polling while it waits cost a plain ccxt loop 36 ms of CPU per 1,000 records against 13 ms
 * with the rolling window, which admits a call as soon as the last `windowMs` leave room for its
 * cost and otherwise sleeps exactly until then. With it the 55,000-record account syncs in 6–9 s
 * instead of 37–39 s, and an account needing 18,000 weight uses 98% of every full minute.
 * Shared, so link checks and concurrent syncs of one exchange never add up past the IP's budget.
 */
function shareBudget(exchange: Exchange, definition: ExchangeDefinition, apiUrl: string | undefined): void {
  const key = `${definition.ccxtId}\u0000${apiUrl ?? ''}`;
  let throttler = budgets.get(key);
  if (!throttler) {
    throttler = exchange.throttler;
    // ccxt sized the window's budget from its costs (Binance: 1,200 units = 6,000 weight a minute).
    throttler.config.maxWeight *= definition.budgetWindow!.share;
    // With `number = String` ccxt hands its costs over as strings ("4"), which the rolling window
    // would concatenate instead of adding (the leaky bucket's subtraction happened to coerce them).
    const throttle = throttler.throttle.bind(throttler) as (cost?: number) => Promise<unknown>;
    throttler.throttle = (cost?: unknown) => throttle(cost === undefined ? undefined : Number(cost));
    budgets.set(key, throttler);
  }
  exchange.throttler = throttler;
}

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base);
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([name, url]) => [name, pointAt(url, base)]));
  return urls;
}

/** Rate-limit answers waited out in one call before the sync gives up for now (retried later). */
const MAX_RATE_LIMITS = 5;
/** The longest Retry-After waited inline; a longer one ends the sync attempt (the job retries). */
const MAX_INLINE_WAIT_MS = 120_000;
/** Without Retry-After, the wait after the n-th rate-limit answer. */
const fallbackWaitMs = (n: number) => 1000 * 2 ** n;

export interface CallOptions {
  /** Body error codes that mean "rate limited" though ccxt raises a plain ExchangeError for them. */
  rateLimitCodes?: string[];
  /** Body error codes that mean the key no longer works, whatever class ccxt raises. */
  authErrorCodes?: string[];
  /** Waits (real time): a rate limit's Retry-After. */
  sleep(ms: number): Promise<void>;
  /** Called with each wait, for the logs and the benchmark. */
  onWait?(ms: number, reason: string): void;
}

/**
 * One exchange call as the sync needs it: a rate limit (429/418, or the exchange's own code) is
 * waited out for exactly its Retry-After, never retried hot; a clock-skew refusal (Binance
 * -1021, an old nonce) resynchronizes the time once and tries again; every other failure
 * becomes a SourceError (`auth`: the key no longer works; `unavailable`: try later).
 */
export async function callExchange<T>(
  exchange: Exchange,
  name: string,
  action: () => Promise<T>,
  options: CallOptions,
): Promise<T> {
  const ccxt = await loadCcxt();
  let resynchronized = false;
  for (let limited = 0; ;) {
    try {
      return await action();
    } catch (error) {
      if (error instanceof ccxt.BaseError && bodyCodeIn(exchange, options.authErrorCodes))
        throw new SourceError('auth', toSourceError(ccxt, name, new ccxt.AuthenticationError(error.message)).message);
      if (error instanceof ccxt.InvalidNonce && !resynchronized) {
        resynchronized = true;
        if (exchange.has['fetchTime']) await exchange.loadTimeDifference().catch(() => undefined);
        continue;
      }
      if (
        error instanceof ccxt.RateLimitExceeded ||
        error instanceof ccxt.DDoSProtection ||
        (error instanceof ccxt.BaseError && bodyCodeIn(exchange, options.rateLimitCodes))
      ) {
        const wait = retryAfterMs(exchange) ?? fallbackWaitMs(limited);
        limited++;
        if (limited > MAX_RATE_LIMITS || wait > MAX_INLINE_WAIT_MS)
          throw new SourceError('unavailable', `${name} is rate limiting this key; the sync continues later`);
        options.onWait?.(wait, 'rate limit');
        await options.sleep(wait);
        continue;
      }
      // Not the exchange's answer (a secret that cannot sign, a bug): the caller decides.
      if (!(error instanceof ccxt.BaseError)) throw error;
      throw toSourceError(ccxt, name, error);
    }
  }
}

/** Whether the last answer's body carries one of `codes` (`{"code": …}`). */
function bodyCodeIn(exchange: Exchange, codes: string[] | undefined): boolean {
  if (!codes?.length) return false;
  const body = exchange.last_json_response as { code?: unknown } | undefined;
  return body?.code !== undefined && codes.includes(String(body.code));
}

/** The last answer's Retry-After (seconds or an HTTP date), in ms. */
function retryAfterMs(exchange: Exchange): number | undefined {
  const headers = (exchange.last_response_headers ?? {}) as Record<string, string | undefined>;
  const header = (name: string) => Object.entries(headers).find(([h]) => h.toLowerCase() === name)?.[1];
  // Bybit sends no Retry-After but the moment its limit resets, in ms.
  const reset = Number(header('x-bapi-limit-reset-timestamp'));
  if (Number.isFinite(reset) && reset > 0 && header('retry-after') === undefined)
    return Math.max(0, reset - Date.now());
  const value = header('retry-after');
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export function toSourceError(ccxt: Ccxt, name: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const said = exchangeMessage(error);
  if (error instanceof ccxt.AuthenticationError)
    return new SourceError('auth', `${name} refused the API key: ${said}. Create a new read-only key and link again.`);
  if (error instanceof ccxt.NotSupported || error instanceof ccxt.ArgumentsRequired)
    return new SourceError('invalid', `${name} cannot answer this: ${said}`);
  if (error instanceof ccxt.NetworkError)
    return new SourceError('unavailable', `${name} could not be reached: ${said}`);
  if (error instanceof ccxt.BaseError) return new SourceError('unavailable', `${name} answered with an error: ${said}`);
  return new SourceError('unavailable', `${name} could not be read`);
}

/** The exchange's own words from a ccxt error (`binance {"code":-2015,"msg":"…"}` → the msg). */
function exchangeMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const json = /\{[\s\S]*\}$/.exec(text)?.[0];
  if (json) {
    try {
      const body = JSON.parse(json) as Record<string, unknown>;
      const found = [body['msg'], body['message'], body['retMsg'], body['reason'], body['error']].find(
        (v) => typeof v === 'string' && v,
      );
      if (typeof found === 'string') return found.slice(0, 300);
      if (Array.isArray(body['error']) && body['error'].length) return body['error'].join(', ').slice(0, 300);
    } catch {
      // not JSON after all: the text as it is
    }
  }
  return text.replace(/^\S+\s/, '').slice(0, 300);
}
