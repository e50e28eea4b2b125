// Exchange sync benchmark (issue #11; npm run bench calls runExchangeBench, BENCH_SCENARIOS=exchange runs
// it alone; or: node --import tsx bench/exchange-sync.ts).
//   The account: Binance, 50,000 trades over 120 markets and 5,000 deposits/withdrawals over
//   3 years, served by the Binance stand-in (real HMAC signatures, Binance's request-weight limit with
//   429 + Retry-After) adding 20 ms to every answer. Consentry's production build runs in its own
//   process, EXCHANGE_API_URLS pointing binance at the stand-in; the bench links the key through
//   POST /platform/v2/providers as a person with a real access token and measures:
//   - how long until GET /platform/v2/assets shows the balances (target < 3 s after the link request);
//   - wall time until the connection is `connected`, every record stored (counted through the API);
//   - calls and request weight from the stand-in's own accounting, weight per minute while history is
//     fetched, and the share of the limit used in each full calendar minute of it (target ≥ 90%: the
//     exchange's limit, nothing of Consentry's, paces the sync);
//   - Consentry's CPU time (its process, every thread, from /proc) per 1,000 records (target < 50 ms).
//   The account needs about half a minute's weight, so the limit never binds on it; a second
//   account with the same records over 900 markets (300 assets) needs several minutes of weight and
//   shows the sync where it does.
//   Baselines from the same run: the time the weight alone needs at the limit (weight ÷ limit), and a
//   plain ccxt loop (bench/exchange-ccxt-loop.ts, its own process, its own stand-in with the same
//   account, limit and latency) reading the same history, once with ccxt's default limiter and once
//   with the engine's: the second shows what Consentry adds to ccxt.
//
//   BENCH_EXCHANGE_TRADES=50000       trades in the account
//   BENCH_EXCHANGE_MARKETS=120        spot markets they are spread over (skewed: a few hold most)
//   BENCH_EXCHANGE_TRANSFERS=5000     deposits + withdrawals (3:2)
//   BENCH_EXCHANGE_YEARS=3            the history's span, ending now
//   BENCH_EXCHANGE_LATENCY_MS=20      added by the stand-in to every answer
//   BENCH_EXCHANGE_WEIGHT_LIMIT=6000  the stand-in's /api/* request weight per minute (Binance's; the
//                                     engine paces for 6,000, so a lower value shows 429s waited out)
//   BENCH_EXCHANGE_BOUND_MARKETS=900  markets of the limit-bound account (0: skip it)
//   BENCH_EXCHANGE_BASELINE=1         0: skip the plain ccxt loops
//   BENCH_EXCHANGE_TIMEOUT_SECONDS=1800  give up waiting for a sync after this long
//   BENCH_CPU_PROFILE_DIR=dir         profile Consentry (node --cpu-prof) and print where its CPU went
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startBinanceStandIn } from '../test/portfolio/exchanges/support/binance-stand-in.ts';
import { startConsentry, type ConsentryUnderTest } from './consentry-server.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { generateAccount, type GeneratedAccount } from './exchange-account.ts';
import type { LoopInput, LoopResult } from './exchange-ccxt-loop.ts';
import {
  ASSETS_POLL,
  countTransactions,
  cpuPerRequest,
  linkAndSync,
  platformClient,
  STATUS_POLL,
} from './exchange-link.ts';
import { fullMinuteShares, spanUse, weightReport } from './exchange-weight.ts';

export interface ExchangeBenchRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  target: string;
}

interface Shape {
  trades: number;
  markets: number;
  transfers: number;
  years: number;
  latencyMs: number;
  weightLimit: number;
}

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoMinute = (minute: number) => new Date(minute * 60_000).toISOString().slice(11, 16);
const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

/** The plain ccxt loop in its own process against its own stand-in (fresh weight counters). */
async function runCcxtLoop(
  account: GeneratedAccount,
  shape: Shape,
  limiter: LoopInput['limiter'],
): Promise<LoopResult & { weight: number; rateLimited: number }> {
  const standIn = await startBinanceStandIn({
    fixture: account.fixture,
    weightLimit: shape.weightLimit,
    latencyMs: shape.latencyMs,
  });
  try {
    const input: LoopInput = {
      url: standIn.url,
      apiKey: standIn.key.api_key,
      secret: standIn.key.secret_key,
      since: account.start,
      limiter,
    };
    const script = fileURLToPath(new URL('./exchange-ccxt-loop.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, JSON.stringify(input)]);
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoopResult;
    if (result.records !== account.records)
      throw new Error(`the ccxt loop read ${result.records} records, the account has ${account.records}`);
    const weight = weightReport(standIn.charges);
    return { ...result, weight: weight.apiWeight, rateLimited: weight.rateLimited };
  } finally {
    await standIn.close();
  }
}

/** Prints the profile of the server's main thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
function printProfile(dir: string, pid: number, what: string): void {
  for (const file of readdirSync(dir).filter(
    (f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid) && f.split('.')[4] === '0',
  ))
    console.error(`\nCPU profile of Consentry (${what}):\n${summarizeCpuProfile(join(dir, file), 30)}`);
}

/** One account synced by a fresh Consentry: its rows, and its baselines when asked for. */
async function runScenario(name: string, shape: Shape, baselines: boolean): Promise<ExchangeBenchRow[]> {
  const generatedAt = performance.now();
  const account = generateAccount({ ...shape, end: Date.now() });
  const assets = new Set(account.fixture.balances.map((b) => b.asset)).size;
  console.error(
    `exchange ${name}: ${account.records} records (${shape.trades} trades, ${account.markets.length} markets, ${assets} assets, ${shape.transfers} transfers) generated in ${Math.round(performance.now() - generatedAt)} ms`,
  );
  const standIn = await startBinanceStandIn({
    fixture: account.fixture,
    weightLimit: shape.weightLimit,
    latencyMs: shape.latencyMs,
  });
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR ? resolve(process.env.BENCH_CPU_PROFILE_DIR) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  let server: ConsentryUnderTest | undefined;
  try {
    server = await startConsentry({
      ...(profileDir ? { cpuProfileDir: profileDir } : {}),
      settings: {
        EXCHANGE_API_URLS: JSON.stringify({ binance: standIn.url }),
        PORTFOLIO_EXCHANGE_HISTORY_START: isoDate(account.start),
        // No price source: valuing the history is best effort and fails fast here.
        COINGECKO_API_URL: 'http://127.0.0.1:9',
      },
      platformScopes: SCOPES,
    });
    const api = platformClient(server, await server.mintPlatformToken());
    const timeoutMs = envNumber('BENCH_EXCHANGE_TIMEOUT_SECONDS', 1800) * 1000;
    const run = await linkAndSync(server, api, standIn, assets, timeoutMs);
    const charges = [...standIn.charges];
    const stored = await countTransactions(api);
    if (stored !== account.records)
      throw new Error(
        `expected ${account.records} transactions stored, GET /platform/v2/transactions listed ${stored}`,
      );
    // The bench's own polling ran on the server too: measured per request, shown apart (not subtracted).
    const pollCpuMs =
      (run.polls.assets * (await cpuPerRequest(server, api, ASSETS_POLL)) +
        run.polls.status * (await cpuPerRequest(server, api, STATUS_POLL))) /
      1000;
    const loops = baselines
      ? {
          default: await runCcxtLoop(account, shape, 'ccxt-default'),
          engine: await runCcxtLoop(account, shape, 'rolling-window'),
        }
      : undefined;

    const limit = shape.weightLimit;
    const weight = weightReport(charges);
    const history = weight.history ? spanUse(charges, weight.history, limit) : undefined;
    const minutes = weight.history ? fullMinuteShares(weight, weight.history, limit) : [];
    const budgetSeconds = (weight.apiWeight / limit) * 60;
    const perThousand = (ms: number) => round((ms / account.records) * 1000, 1);
    const scenario = `${name}: ${shape.trades.toLocaleString('en')} trades / ${account.markets.length} markets / ${shape.transfers.toLocaleString('en')} transfers / ${shape.years} y, +${shape.latencyMs} ms, ${limit} weight/min`;
    const row = (metric: string, value: number, unit: string, target = ''): ExchangeBenchRow => ({
      scenario,
      metric,
      value,
      unit,
      target,
    });
    const rows: ExchangeBenchRow[] = [
      row('link (key verified)', round(run.linkMs), 'ms'),
      row('balances visible', round(run.balancesMs), 'ms', '< 3000 ms'),
      row('wall time to connected', round(run.connectedMs / 1000, 1), 's'),
      row('records stored', stored, 'tx'),
      row('calls (/api + /sapi)', weight.calls, 'requests'),
      row('weight /api', weight.apiWeight, 'weight'),
      row('weight /sapi (own budget)', weight.sapiWeight, 'weight'),
      row('429 answers', weight.rateLimited, 'requests'),
      row('peak calendar minute', Math.max(...weight.minutes.map((m) => m.weight)), 'weight', `≤ ${limit}`),
    ];
    if (history)
      rows.push(
        row('history fetch', round(history.seconds, 1), 's'),
        row('weight/min while fetching', history.perMinute, 'weight/min'),
        row('  as a share of the limit', round(history.share * 100, 1), '%'),
      );
    if (minutes.length)
      rows.push(
        row('full minutes of history', minutes.length, 'minutes'),
        row('  least used of them', round(Math.min(...minutes) * 100, 1), '% of limit', '≥ 90%'),
      );
    else rows.push(row('  history ÷ one minute of weight', round((weight.apiWeight / limit) * 100, 1), '%'));
    rows.push(
      row('baseline: weight ÷ limit', round(budgetSeconds, 1), 's'),
      row('  history fetch ÷ that', history ? round(history.seconds / budgetSeconds, 2) : 0, '×'),
      row('Consentry CPU, link to connected', round(run.cpuMs), 'ms'),
      row('  per 1,000 records', perThousand(run.cpuMs), 'ms', '< 50 ms'),
      row('  after balances, per 1,000', perThousand(run.cpuMs - run.balancesCpuMs), 'ms'),
      row('  of it the bench polling', round(pollCpuMs), 'ms'),
      row(`  in ${round(run.quiet.seconds)} s without a call answered`, round(run.quiet.cpuMs), 'ms'),
      row('  per call otherwise', round((run.cpuMs - run.quiet.cpuMs) / weight.calls, 2), 'ms'),
    );
    if (loops)
      for (const [label, loop] of [
        ['ccxt loop, default limiter', loops.default],
        ['ccxt loop, engine limiter', loops.engine],
      ] as const)
        rows.push(
          row(`baseline ${label}: wall`, round(loop.wallMs / 1000, 1), 's'),
          row(`  calls / weight /api / 429s`, loop.calls, `/ ${loop.weight} / ${loop.rateLimited}`),
          row(`  CPU per 1,000 records`, perThousand(loop.cpuMs), 'ms'),
        );
    if (loops)
      rows.push(
        row('Consentry CPU beyond ccxt, per 1,000', perThousand(run.cpuMs - loops.engine.cpuMs), 'ms'),
        row('Consentry wall ÷ ccxt loop (engine limiter)', round(run.connectedMs / loops.engine.wallMs, 2), '×'),
      );
    for (const message of run.errorsSeen) console.error(`exchange ${name}: the connection showed error: ${message}`);
    const perMinute = weight.minutes.map((m) => `${isoMinute(m.minute)} ${m.weight}`).join(', ');
    console.error(`exchange ${name}: /api weight per calendar minute (server clock, UTC): ${perMinute}`);
    return rows;
  } finally {
    await server?.close();
    await standIn.close();
    if (profileDir && server) printProfile(profileDir, server.pid, name);
  }
}

export async function runExchangeBench(): Promise<ExchangeBenchRow[]> {
  const shape: Shape = {
    trades: envNumber('BENCH_EXCHANGE_TRADES', 50_000),
    markets: envNumber('BENCH_EXCHANGE_MARKETS', 120),
    transfers: envNumber('BENCH_EXCHANGE_TRANSFERS', 5_000),
    years: envNumber('BENCH_EXCHANGE_YEARS', 3),
    latencyMs: envNumber('BENCH_EXCHANGE_LATENCY_MS', 20),
    weightLimit: envNumber('BENCH_EXCHANGE_WEIGHT_LIMIT', 6000),
  };
  const boundMarkets = envNumber('BENCH_EXCHANGE_BOUND_MARKETS', 900);
  const baselines = process.env.BENCH_EXCHANGE_BASELINE !== '0';
  const rows = await runScenario('issue #11 account', shape, baselines);
  if (boundMarkets > 0)
    rows.push(...(await runScenario('limit-bound account', { ...shape, markets: boundMarkets }, false)));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./load.ts');
  console.log(formatTable(await runExchangeBench()));
}
