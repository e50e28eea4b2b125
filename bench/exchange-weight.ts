// How a run spent Binance's request weight, from the stand-in's own account of every charged request.
import type { WeightCharge } from '../test/portfolio/exchanges/support/binance-stand-in.ts';

/** Endpoints of the history (everything after balances): deposits, withdrawals, trades, dividends, dust. */
const HISTORY_PATHS = new Set([
  '/sapi/v1/capital/deposit/hisrec',
  '/sapi/v1/capital/withdraw/history',
  '/api/v3/myTrades',
  '/sapi/v1/asset/assetDividend',
  '/sapi/v1/asset/dribblet',
]);

export interface Span {
  from: number;
  to: number;
}

export interface SpanUse {
  seconds: number;
  /** `/api/*` weight per minute over the span, and as a share of the limit. */
  perMinute: number;
  share: number;
}

export interface WeightReport {
  calls: number;
  apiCalls: number;
  sapiCalls: number;
  apiWeight: number;
  sapiWeight: number;
  rateLimited: number;
  /** First history request to the last request of the sync. */
  history?: Span;
  /** First to last `myTrades` request: the part only the spot API's budget paces. */
  trades?: Span;
  /** `/api/*` weight of each minute (as Binance counts them: by the server's clock) the sync touched. */
  minutes: Array<{ minute: number; weight: number }>;
}

export function weightReport(charges: readonly WeightCharge[]): WeightReport {
  const sum = (list: readonly WeightCharge[]) => list.reduce((total, c) => total + c.weight, 0);
  const api = charges.filter((c) => c.budget === 'api');
  const history = charges.filter((c) => HISTORY_PATHS.has(c.path));
  const trades = charges.filter((c) => c.path === '/api/v3/myTrades');
  const minutes = new Map<number, number>();
  for (const c of api) minutes.set(Math.floor(c.at / 60_000), (minutes.get(Math.floor(c.at / 60_000)) ?? 0) + c.weight);
  const last = charges.at(-1)?.at;
  return {
    calls: charges.length,
    apiCalls: api.length,
    sapiCalls: charges.length - api.length,
    apiWeight: sum(api),
    sapiWeight: sum(charges) - sum(api),
    rateLimited: charges.filter((c) => c.status === 429).length,
    ...(history[0] && last !== undefined ? { history: { from: history[0].at, to: last } } : {}),
    ...(trades[0] ? { trades: { from: trades[0].at, to: trades.at(-1)!.at } } : {}),
    minutes: [...minutes].map(([minute, weight]) => ({ minute, weight })),
  };
}

/**
 * The `/api/*` weight used over a span, per minute and as a share of `limit`. Requests from the
 * span's start up to (not including) its last one, over the time between them: a client that sends
 * weight w every d ms scores exactly w per d, however many requests the span holds.
 */
export function spanUse(charges: readonly WeightCharge[], span: Span, limit: number): SpanUse {
  const ms = span.to - span.from;
  const weight = charges
    .filter((c) => c.budget === 'api' && c.at >= span.from && c.at < span.to)
    .reduce((total, c) => total + c.weight, 0);
  const perMinute = ms > 0 ? (weight * 60_000) / ms : 0;
  return { seconds: ms / 1000, perMinute: Math.round(perMinute), share: limit > 0 ? perMinute / limit : 0 };
}

/**
 * The share of `limit` used in each calendar minute (Binance's window) that lies wholly inside the
 * span: where the limit binds, every one of them is close to full. None when the span is shorter
 * than a minute or does not cover one from its start to its end.
 */
export function fullMinuteShares(report: WeightReport, span: Span, limit: number): number[] {
  const used = new Map(report.minutes.map((m) => [m.minute, m.weight]));
  const shares: number[] = [];
  // A minute with no weight at all counts too (as 0%): an idle minute is exactly what this looks for.
  for (let minute = Math.ceil(span.from / 60_000); (minute + 1) * 60_000 <= span.to; minute++)
    shares.push((used.get(minute) ?? 0) / limit);
  return shares;
}
