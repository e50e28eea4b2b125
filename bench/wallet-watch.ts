// The wallet benchmark's person: links the address through the Platform API, then watches as an app
// would (GET /assets every 50 ms, GET /providers every 250 ms, every transaction through GET
// /transactions once the connections say `connected`), timing each call and sampling the server's CPU.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConsentryUnderTest } from './consentry-server.ts';
import type { PlatformClient } from './exchange-link.ts';
import { monotonicMicros, type ProfileWindow } from './cpu-profile-summary.ts';
import { sampleCpuUs, sampleMainThreadCpuUs } from './load.ts';

/** A platform API answer, read loosely: the bench checks the few fields it uses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ASSETS_EVERY_MS = 50;
const STATUS_EVERY_MS = 250;
const PROGRESS_EVERY_MS = 15_000;
export const ASSETS_PATH = '/platform/v2/assets?limit=100';
export const STATUS_PATH = '/platform/v2/providers';
export const TRANSACTIONS_PATH = '/platform/v2/transactions?limit=100';

export interface LinkedNetwork {
  provider_id: string;
  connection_id: string;
}

export interface WatchedSync {
  /** The link request(s) alone: for "all networks", the discovery of which networks the address used. */
  linkMs: number;
  linked: LinkedNetwork[];
  /** From the link request until GET /assets listed a position of every linked connection. */
  balancesMs?: number;
  /** From the link request until every connection was `connected` and its transactions were counted. */
  historyMs?: number;
  /** Per connection: when its first position showed, when it said `connected`. */
  perConnection: Map<string, { positionsMs?: number; connectedMs?: number }>;
  /** Transactions GET /transactions listed at the end (or when the watch gave up). */
  stored: number;
  /**
   * Server CPU from the link request until every connection said `connected` (or the watch gave
   * up): the whole process, and its main thread alone; and until the balances showed.
   */
  cpuMs: number;
  mainThreadCpuMs: number;
  balancesCpuMs?: number;
  /** Every API call's latency (ms) while the sync ran, by endpoint. */
  latencies: Record<'link' | 'assets' | 'providers' | 'transactions', number[]>;
  /** Messages of an `error` status seen while a job retried. */
  errorsSeen: string[];
  elapsedMs: number;
  /** From the link request until every connection said `connected`, in the monotonic clock (for a CPU profile). */
  window: ProfileWindow;
}

/** Every transaction through GET /platform/v2/transactions, 100 a page. */
export async function countTransactions(api: PlatformClient, latencies?: number[]): Promise<number> {
  let count = 0;
  let path = TRANSACTIONS_PATH;
  for (;;) {
    const started = performance.now();
    const page = await api.get(path);
    latencies?.push(performance.now() - started);
    if (page.status !== 200) throw new Error(`GET /platform/v2/transactions answered ${page.status}`);
    count += page.body.data.transactions.length;
    const next = page.body.data.page?.next_cursor as string | null | undefined;
    if (!next) return count;
    path = `${TRANSACTIONS_PATH}&cursor=${encodeURIComponent(next)}`;
  }
}

/**
 * Runs `link` (the person's POST(s) to /platform/v2/providers), then watches until every linked
 * connection is `connected` with its transactions listed, or `timeoutMs` after the link request;
 * `progress` is printed every 15 s.
 */
export async function linkAndWatch(
  server: ConsentryUnderTest,
  api: PlatformClient,
  link: () => Promise<LinkedNetwork[]>,
  timeoutMs: number,
  progress: () => string,
): Promise<WatchedSync> {
  const latencies: WatchedSync['latencies'] = { link: [], assets: [], providers: [], transactions: [] };
  const timed = async (endpoint: 'assets' | 'providers', path: string) => {
    const started = performance.now();
    const answer = await api.get(path);
    latencies[endpoint].push(performance.now() - started);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body as Json;
  };
  const cpu0 = sampleCpuUs(server.pid);
  const main0 = sampleMainThreadCpuUs(server.pid);
  const window = { from: monotonicMicros(), to: 0 };
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const linked = await link();
  const linkMs = elapsed();
  latencies.link.push(linkMs);
  const perConnection = new Map(
    linked.map((l) => [l.connection_id, {} as { positionsMs?: number; connectedMs?: number }]),
  );
  const run: WatchedSync = {
    linkMs,
    linked,
    perConnection,
    stored: 0,
    cpuMs: 0,
    mainThreadCpuMs: 0,
    latencies,
    errorsSeen: [],
    elapsedMs: 0,
    window,
  };
  const stopCpu = () => {
    window.to = monotonicMicros();
    run.cpuMs = (sampleCpuUs(server.pid) - cpu0) / 1000;
    run.mainThreadCpuMs = (sampleMainThreadCpuUs(server.pid) - main0) / 1000;
  };
  let statusAt = 0;
  let progressAt = performance.now();
  while (elapsed() < timeoutMs) {
    const assets = (await timed('assets', ASSETS_PATH)).data.assets as Json[];
    for (const source of assets.flatMap((a) => a.sources as Json[])) {
      const seen = perConnection.get(source.connection_id);
      if (seen && seen.positionsMs === undefined) seen.positionsMs = elapsed();
    }
    if (run.balancesMs === undefined && [...perConnection.values()].every((c) => c.positionsMs !== undefined)) {
      run.balancesMs = elapsed();
      run.balancesCpuMs = (sampleCpuUs(server.pid) - cpu0) / 1000;
    }
    if (performance.now() - statusAt >= STATUS_EVERY_MS) {
      statusAt = performance.now();
      const providers = (await timed('providers', STATUS_PATH)).data.providers as Json[];
      for (const p of providers) {
        const seen = perConnection.get(p.connection_id);
        if (!seen) continue;
        if (p.status === 'connected' && seen.connectedMs === undefined) seen.connectedMs = elapsed();
        if (p.status === 'needs_reauth') throw new Error(`a connection needs new credentials: ${JSON.stringify(p)}`);
        const message = p.error?.message;
        if (p.status === 'error' && message && !run.errorsSeen.includes(message)) run.errorsSeen.push(message);
      }
      if ([...perConnection.values()].every((c) => c.connectedMs !== undefined)) {
        stopCpu();
        run.stored = await countTransactions(api, latencies.transactions);
        run.historyMs = elapsed();
        break;
      }
    }
    if (performance.now() - progressAt > PROGRESS_EVERY_MS) {
      progressAt = performance.now();
      console.error(`wallet: ${Math.round(elapsed() / 1000)} s, ${progress()}`);
    }
    await sleep(ASSETS_EVERY_MS);
  }
  run.elapsedMs = elapsed();
  // Given up: how far it got (the count runs after the deadline and is not timed against it).
  if (run.historyMs === undefined) {
    stopCpu();
    run.stored = await countTransactions(api);
  }
  return run;
}

/** The server's CPU (µs) for one GET of `path`, measured over 100 after 10 unmeasured. */
export async function cpuPerRequest(server: ConsentryUnderTest, api: PlatformClient, path: string): Promise<number> {
  for (let i = 0; i < 10; i++) await api.get(path);
  const before = sampleCpuUs(server.pid);
  for (let i = 0; i < 100; i++) await api.get(path);
  return (sampleCpuUs(server.pid) - before) / 100;
}

/** The p-th percentile (nearest rank) of `values`, in their unit; 0 when there are none. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
