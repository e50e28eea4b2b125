// Baseline of the exchange benchmark: the same Binance history read by a plain ccxt loop, no Consentry
// (no job, no normalizing, no database). Run by bench/exchange-sync.ts as its own process, so its CPU
// time is ccxt's alone (the stand-in runs in the parent):
//   node --import tsx bench/exchange-ccxt-loop.ts '{"url":…,"apiKey":…,"secret":…,"since":…}'
// It makes the calls the engine makes (markets, both wallets, deposits and withdrawals in 90-day
// windows, trades market by market from `since`, 1,000 a page), paced by ccxt's default limiter (its
// leaky bucket) or by the engine's (a rolling window of 98% of Binance's weight a minute), and prints
// one JSON line: {"wallMs","cpuMs","calls","records"}.
import type { Exchange, Trade, Transaction } from 'ccxt';

export interface LoopInput {
  url: string;
  apiKey: string;
  secret: string;
  /** Unix ms the history is read from. */
  since: number;
  limiter: 'ccxt-default' | 'rolling-window';
}

export interface LoopResult {
  wallMs: number;
  /** This process's CPU time (user + system) over the loop, ccxt's import excluded. */
  cpuMs: number;
  calls: number;
  records: number;
}

const DAY = 86_400_000;
const PAGE = 1000;

function pointAt(urls: unknown, base: string): unknown {
  if (typeof urls === 'string') return urls.replace(/^https?:\/\/[^/]+/, base.replace(/\/$/, ''));
  if (urls && typeof urls === 'object')
    return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, pointAt(v, base)]));
  return urls;
}

/** A window's transfers, newest first, `offset` paging inside it as Binance's capital endpoints allow. */
async function transfersIn(
  read: (since: number, params: Record<string, unknown>) => Promise<Transaction[]>,
  since: number,
  until: number,
  count: () => void,
): Promise<number> {
  let records = 0;
  for (let offset = 0; ; offset += PAGE) {
    count();
    const page = await read(since, { until, offset });
    records += page.length;
    if (page.length < PAGE) return records;
  }
}

/** A market's trades from `since`, oldest first; a full page is followed from its newest trade on. */
async function tradesOf(exchange: Exchange, symbol: string, since: number, count: () => void): Promise<number> {
  const seen = new Set<string>();
  for (let from = since; ;) {
    count();
    const page: Trade[] = await exchange.fetchMyTrades(symbol, from, PAGE);
    for (const trade of page) seen.add(String(trade.id));
    const newest = page.at(-1)?.timestamp;
    if (page.length < PAGE || newest === undefined) return seen.size;
    from = newest > from ? newest : from + 1;
  }
}

export async function readHistory(input: LoopInput): Promise<LoopResult> {
  const ccxt = await import('ccxt');
  const exchange = new ccxt.binance({
    apiKey: input.apiKey,
    secret: input.secret,
    enableRateLimit: true,
    options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false },
    ...(input.limiter === 'rolling-window' ? { rateLimiterAlgorithm: 'rollingWindow', rollingWindowSize: 60_000 } : {}),
  });
  exchange.number = String as unknown as typeof Number;
  if (input.limiter === 'rolling-window') {
    // As the engine does (src/portfolio/sources/exchange/ccxt-client.ts): 98% of the budget, and
    // costs as numbers (with `number = String` ccxt passes them as strings, which the window concatenates).
    const throttler = exchange.throttler;
    throttler.config.maxWeight *= 0.98;
    const throttle = throttler.throttle.bind(throttler) as (cost?: number) => Promise<unknown>;
    throttler.throttle = (cost?: unknown) => throttle(cost === undefined ? undefined : Number(cost));
  }
  exchange.urls.api = pointAt(exchange.urls.api, input.url) as typeof exchange.urls.api;

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  const count = () => void calls++;
  count();
  await exchange.loadMarkets();
  count();
  await exchange.fetchBalance();
  count();
  await exchange.fetchBalance({ type: 'funding' });
  let records = 0;
  const now = Date.now();
  for (let since = input.since; since <= now; since += 90 * DAY) {
    const until = Math.min(since + 90 * DAY - 1, now);
    records += await transfersIn((s, p) => exchange.fetchDeposits(undefined, s, PAGE, p), since, until, count);
    records += await transfersIn((s, p) => exchange.fetchWithdrawals(undefined, s, PAGE, p), since, until, count);
  }
  const markets = Object.values(exchange.markets ?? {}).filter((m) => m?.spot);
  for (const market of markets) records += await tradesOf(exchange, market!.symbol, input.since, count);
  const cpu = process.cpuUsage(cpu0);
  return {
    wallMs: Math.round(performance.now() - t0),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    calls,
    records,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const input = JSON.parse(process.argv[2] ?? '{}') as LoopInput;
  console.log(JSON.stringify(await readHistory(input)));
}
