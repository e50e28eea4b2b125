// Exchange sync benchmark (issue #11; npm run bench calls runExchangeBench, BENCH_SCENARIOS=exchange runs
// it alone; or: node --import tsx bench/exchange-sync.ts).
//   A Binance account of 50,000 trades over 120 markets and 5,000 deposits/withdrawals over 3 years,
//   served by the Binance stand-in (real HMAC signatures, Binance's request-weight limit with 429 +
//   Retry-After) adding 20 ms to every answer. Consentry's production build runs in its own process
//   with EXCHANGE_API_URLS pointing binance at the stand-in; the bench links the key through
//   POST /platform/v2/providers as a person with a real access token and measures:
//   - how long until GET /platform/v2/assets shows the balances (target < 3 s after the link request);
//   - wall time until the connection is `connected`, every record stored (counted through the API);
//   - calls and request weight from the stand-in's own accounting, weight per minute while history
//     is fetched and its share of the limit (target ≥ 90%: the exchange's limit, nothing else, paces it);
//   - Consentry's CPU time (its process, every thread, from /proc) per 1,000 records (target < 50 ms).
//   Baselines from the same run: the time the weight budget alone needs (weight ÷ limit), and a plain
//   ccxt loop (bench/exchange-ccxt-loop.ts, its own process) reading the same history from a second
//   stand-in with the same account, limit and latency.
//
//   BENCH_EXCHANGE_TRADES=50000       trades in the account
//   BENCH_EXCHANGE_MARKETS=120        spot markets they are spread over (skewed: a few hold most)
//   BENCH_EXCHANGE_TRANSFERS=5000     deposits + withdrawals (3:2)
//   BENCH_EXCHANGE_YEARS=3            the history's span, ending now
//   BENCH_EXCHANGE_LATENCY_MS=20      added by the stand-in to every answer
//   BENCH_EXCHANGE_WEIGHT_LIMIT=6000  the stand-in's /api/* request weight per minute (Binance's own)
//   BENCH_EXCHANGE_BASELINE=1         0: skip the plain ccxt loop
//   BENCH_EXCHANGE_TIMEOUT_SECONDS=1800  give up waiting for the sync after this long
//   BENCH_CPU_PROFILE_DIR=dir         profile Consentry (node --cpu-prof) and print where its CPU went
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startBinanceStandIn, type BinanceStandIn } from '../test/portfolio/exchanges/support/binance-stand-in.ts';
import { startConsentry, type ConsentryUnderTest } from './consentry-server.ts';
import { generateAccount, type GeneratedAccount } from './exchange-account.ts';
import type { LoopInput, LoopResult } from './exchange-ccxt-loop.ts';
import { spanUse, weightReport } from './exchange-weight.ts';
import { summarizeCpuProfile } from './cpu-profile-summary.ts';
import { sampleCpuUs } from './load.ts';

export interface ExchangeBenchRow {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  target: string;
}

interface Settings {
  trades: number;
  markets: number;
  transfers: number;
  years: number;
  latencyMs: number;
  weightLimit: number;
  baseline: boolean;
  timeoutMs: number;
}

/** A platform API answer, read loosely: the bench checks the few fields it uses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
const BALANCE_POLL_MS = 25;
const STATUS_POLL_MS = 250;
const PROGRESS_EVERY_MS = 15_000;

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

function settingsFromEnv(): Settings {
  return {
    trades: envNumber('BENCH_EXCHANGE_TRADES', 50_000),
    markets: envNumber('BENCH_EXCHANGE_MARKETS', 120),
    transfers: envNumber('BENCH_EXCHANGE_TRANSFERS', 5_000),
    years: envNumber('BENCH_EXCHANGE_YEARS', 3),
    latencyMs: envNumber('BENCH_EXCHANGE_LATENCY_MS', 20),
    weightLimit: envNumber('BENCH_EXCHANGE_WEIGHT_LIMIT', 6000),
    baseline: process.env.BENCH_EXCHANGE_BASELINE !== '0',
    timeoutMs: envNumber('BENCH_EXCHANGE_TIMEOUT_SECONDS', 1800) * 1000,
  };
}

/** The platform API as the person's app sees it; a token that expired mid-run is minted again. */
function platformClient(server: ConsentryUnderTest, firstToken: string) {
  let token = firstToken;
  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    for (let attempt = 0; ; attempt++) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status === 401 && attempt === 0) {
        token = await server.mintPlatformToken();
        continue;
      }
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    }
  };
  return { get: (path: string) => call('GET', path), post: (path: string, body: unknown) => call('POST', path, body) };
}
type PlatformClient = ReturnType<typeof platformClient>;

async function expectStatus(
  answer: Promise<{ status: number; body: Json }>,
  status: number,
  what: string,
): Promise<{ status: number; body: Json }> {
  const result = await answer;
  if (result.status !== status)
    throw new Error(`${what} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`);
  return result;
}

/** Every transaction of the connection through GET /platform/v2/transactions, 100 a page. */
async function countTransactions(api: PlatformClient): Promise<number> {
  let count = 0;
  let path = '/platform/v2/transactions?crypto_sources=binance&limit=100';
  for (;;) {
    const page = await expectStatus(api.get(path), 200, 'GET /platform/v2/transactions');
    count += page.body.data.transactions.length;
    const next = page.body.data.page?.next_cursor as string | null | undefined;
    if (!next) return count;
    path = `/platform/v2/transactions?cursor=${encodeURIComponent(next)}&limit=100`;
  }
}

/** Server CPU (µs) of one request, measured: the share of the run's CPU that was the bench's own polling. */
async function cpuPerRequest(server: ConsentryUnderTest, api: PlatformClient, path: string): Promise<number> {
  const n = 200;
  for (let i = 0; i < 20; i++) await api.get(path);
  const before = sampleCpuUs(server.pid);
  for (let i = 0; i < n; i++) await api.get(path);
  return (sampleCpuUs(server.pid) - before) / n;
}

interface SyncRun {
  linkMs: number;
  balancesMs: number;
  connectedMs: number;
  cpuMs: number;
  balancesCpuMs: number;
  polls: { balances: number; status: number };
  errorsSeen: string[];
  /** Stand-in charges before the link request returned: the key's verification. */
  linkCharges: number;
}

/** Links the stand-in's key and waits for balances, then for `connected`. */
async function linkAndSync(
  server: ConsentryUnderTest,
  api: PlatformClient,
  standIn: BinanceStandIn,
  account: GeneratedAccount,
  timeoutMs: number,
): Promise<SyncRun> {
  const wantedAssets = Math.min(100, new Set(account.fixture.balances.map((b) => b.asset)).size);
  const cpu0 = sampleCpuUs(server.pid);
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const deadline = (what: string) => {
    if (elapsed() > timeoutMs) throw new Error(`${what} after ${Math.round(timeoutMs / 1000)} s`);
  };
  await expectStatus(
    api.post('/platform/v2/providers', {
      provider_id: 'binance',
      connection: { type: 'api_key', ...standIn.key },
    }),
    201,
    'POST /platform/v2/providers',
  );
  const linkMs = elapsed();
  const linkCharges = standIn.charges.length;

  let balancePolls = 0;
  for (;; balancePolls++) {
    const assets = await expectStatus(
      api.get('/platform/v2/assets?crypto_sources=binance&limit=100'),
      200,
      'GET /platform/v2/assets',
    );
    if (assets.body.data.assets.length >= wantedAssets) break;
    deadline('the balances were not visible');
    await sleep(BALANCE_POLL_MS);
  }
  const balancesMs = elapsed();
  const balancesCpuMs = (sampleCpuUs(server.pid) - cpu0) / 1000;

  const errorsSeen: string[] = [];
  let statusPolls = 0;
  let progressAt = performance.now();
  for (;; statusPolls++) {
    const listed = await expectStatus(api.get('/platform/v2/providers'), 200, 'GET /platform/v2/providers');
    const connection = listed.body.data.providers[0];
    if (connection?.status === 'connected') break;
    if (connection?.status === 'needs_reauth') throw new Error(`the key stopped working: ${JSON.stringify(connection)}`);
    // `error` while the job retries (a rate limit it gave up waiting out, say): noted, waited on.
    if (connection?.status === 'error' && !errorsSeen.includes(connection.error?.message))
      errorsSeen.push(connection.error?.message);
    deadline('the sync had not finished');
    if (performance.now() - progressAt > PROGRESS_EVERY_MS) {
      progressAt = performance.now();
      const trades = standIn.charges.filter((c) => c.path === '/api/v3/myTrades').length;
      console.error(
        `exchange sync: ${Math.round(elapsed() / 1000)} s, ${standIn.charges.length} calls (${trades} trade pages), status ${connection?.status}`,
      );
    }
    await sleep(STATUS_POLL_MS);
  }
  return {
    linkMs,
    balancesMs,
    connectedMs: elapsed(),
    cpuMs: (sampleCpuUs(server.pid) - cpu0) / 1000,
    balancesCpuMs,
    polls: { balances: balancePolls + 1, status: statusPolls + 1 },
    errorsSeen,
    linkCharges,
  };
}

/** The plain ccxt loop in its own process against its own stand-in (fresh weight counters). */
async function runCcxtLoop(account: GeneratedAccount, settings: Settings): Promise<LoopResult & { weight: number }> {
  const standIn = await startBinanceStandIn({
    fixture: account.fixture,
    weightLimit: settings.weightLimit,
    latencyMs: settings.latencyMs,
  });
  try {
    const input: LoopInput = {
      url: standIn.url,
      apiKey: standIn.key.api_key,
      secret: standIn.key.secret_key,
      since: account.start,
    };
    const script = fileURLToPath(new URL('./exchange-ccxt-loop.ts', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, JSON.stringify(input)], {
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoopResult;
    return { ...result, weight: weightReport(standIn.charges).apiWeight };
  } finally {
    await standIn.close();
  }
}

const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

export async function runExchangeBench(overrides: Partial<Settings> = {}): Promise<ExchangeBenchRow[]> {
  const settings = { ...settingsFromEnv(), ...overrides };
  const generatedAt = performance.now();
  const account = generateAccount({
    trades: settings.trades,
    markets: settings.markets,
    transfers: settings.transfers,
    years: settings.years,
    end: Date.now(),
  });
  console.error(
    `exchange: generated ${account.records} records (${settings.trades} trades, ${account.markets.length} markets, ${settings.transfers} transfers) in ${Math.round(performance.now() - generatedAt)} ms`,
  );
  const standIn = await startBinanceStandIn({
    fixture: account.fixture,
    weightLimit: settings.weightLimit,
    latencyMs: settings.latencyMs,
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
    const run = await linkAndSync(server, api, standIn, account, settings.timeoutMs);
    const charges = [...standIn.charges];
    const stored = await countTransactions(api);
    if (stored !== account.records)
      throw new Error(`expected ${account.records} transactions stored, GET /platform/v2/transactions listed ${stored}`);
    const pollCpuMs =
      (run.polls.balances * (await cpuPerRequest(server, api, '/platform/v2/assets?crypto_sources=binance&limit=100')) +
        run.polls.status * (await cpuPerRequest(server, api, '/platform/v2/providers'))) /
      1000;
    const loop = settings.baseline ? await runCcxtLoop(account, settings) : undefined;
    if (loop && loop.records !== account.records)
      throw new Error(`the ccxt loop read ${loop.records} records, the account has ${account.records}`);

    const weight = weightReport(charges);
    const limit = settings.weightLimit;
    const history = weight.history ? spanUse(charges, weight.history, limit) : undefined;
    const trades = weight.trades ? spanUse(charges, weight.trades, limit) : undefined;
    const budgetSeconds = (weight.apiWeight / limit) * 60;
    const perThousand = (ms: number) => round((ms / account.records) * 1000, 1);
    const scenario = `Binance, ${settings.trades.toLocaleString('en')} trades / ${account.markets.length} markets / ${settings.transfers.toLocaleString('en')} transfers / ${settings.years} y, +${settings.latencyMs} ms, ${limit}/min`;
    const rows: ExchangeBenchRow[] = [
      { scenario, metric: 'link', value: round(run.linkMs), unit: 'ms', target: '' },
      { scenario, metric: 'balances visible', value: round(run.balancesMs), unit: 'ms', target: '< 3000 ms' },
      { scenario, metric: 'wall time', value: round(run.connectedMs / 1000, 1), unit: 's', target: '' },
      { scenario, metric: 'records stored', value: stored, unit: 'tx', target: '' },
      { scenario, metric: 'calls', value: weight.calls, unit: 'requests', target: '' },
      { scenario, metric: 'calls /api', value: weight.apiCalls, unit: 'requests', target: '' },
      { scenario, metric: 'calls /sapi', value: weight.sapiCalls, unit: 'requests', target: '' },
      { scenario, metric: 'weight /api', value: weight.apiWeight, unit: 'weight', target: '' },
      { scenario, metric: 'weight /sapi', value: weight.sapiWeight, unit: 'weight', target: '' },
      { scenario, metric: '429 answers', value: weight.rateLimited, unit: 'requests', target: '' },
    ];
    if (history)
      rows.push(
        { scenario, metric: 'history fetch', value: round(history.seconds, 1), unit: 's', target: '' },
        { scenario, metric: 'weight/min, history', value: history.perMinute, unit: 'weight/min', target: '' },
        {
          scenario,
          metric: 'share of limit, history',
          value: round(history.share * 100, 1),
          unit: '%',
          target: '≥ 90%',
        },
      );
    if (trades)
      rows.push(
        { scenario, metric: 'trades fetch', value: round(trades.seconds, 1), unit: 's', target: '' },
        { scenario, metric: 'weight/min, trades', value: trades.perMinute, unit: 'weight/min', target: '' },
        { scenario, metric: 'share of limit, trades', value: round(trades.share * 100, 1), unit: '%', target: '' },
      );
    rows.push(
      {
        scenario,
        metric: 'peak minute',
        value: Math.max(...weight.minutes.map((m) => m.weight)),
        unit: 'weight',
        target: `≤ ${limit}`,
      },
      { scenario, metric: 'baseline: weight ÷ limit', value: round(budgetSeconds, 1), unit: 's', target: '' },
      {
        scenario,
        metric: 'history fetch ÷ budget',
        value: history ? round(history.seconds / budgetSeconds, 2) : 0,
        unit: '×',
        target: '',
      },
      { scenario, metric: 'Consentry CPU', value: round(run.cpuMs), unit: 'ms', target: '' },
      {
        scenario,
        metric: 'Consentry CPU / 1k records',
        value: perThousand(run.cpuMs),
        unit: 'ms',
        target: '< 50 ms',
      },
      { scenario, metric: 'of which the bench polling', value: round(pollCpuMs), unit: 'ms', target: '' },
      { scenario, metric: 'of which to balances', value: round(run.balancesCpuMs), unit: 'ms', target: '' },
    );
    if (loop)
      rows.push(
        { scenario, metric: 'baseline ccxt loop: wall', value: round(loop.wallMs / 1000, 1), unit: 's', target: '' },
        { scenario, metric: 'baseline ccxt loop: calls', value: loop.calls, unit: 'requests', target: '' },
        { scenario, metric: 'baseline ccxt loop: weight /api', value: loop.weight, unit: 'weight', target: '' },
        {
          scenario,
          metric: 'baseline ccxt loop: CPU / 1k records',
          value: perThousand(loop.cpuMs),
          unit: 'ms',
          target: '',
        },
        {
          scenario,
          metric: 'Consentry wall ÷ ccxt loop wall',
          value: round(run.connectedMs / loop.wallMs, 2),
          unit: '×',
          target: '',
        },
      );
    for (const message of run.errorsSeen) console.error(`exchange sync: the connection showed error: ${message}`);
    const minutes = weight.minutes.map((m) => `${isoTime(m.minute * 60_000)} ${m.weight}`).join(', ');
    console.error(`exchange sync: /api weight per calendar minute (server clock): ${minutes}`);
    console.error(`exchange sync: ${run.linkCharges} calls before the link answered (key verification)`);
    return rows;
  } finally {
    await server?.close();
    await standIn.close();
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: this server's main thread (0).
    if (profileDir && server)
      for (const file of readdirSync(profileDir).filter(
        (f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(server!.pid) && f.split('.')[4] === '0',
      ))
        console.error(`\nCPU profile of Consentry (exchange sync):\n${summarizeCpuProfile(join(profileDir, file), 30)}`);
  }
}

const isoTime = (ms: number) => new Date(ms).toISOString().slice(11, 16);

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./load.ts');
  console.log(formatTable(await runExchangeBench()));
}
