// The exchange benchmark's person: links the stand-in's key through the platform API and watches the
// sync the way an app would (GET /assets, GET /providers), timing it and sampling the server's CPU.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BinanceStandIn } from '../test/portfolio/exchanges/support/binance-stand-in.ts';
import type { ConsentryUnderTest } from './consentry-server.ts';
import { sampleCpuUs } from './load.ts';

/** A platform API answer, read loosely: the bench checks the few fields it uses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
interface Answer {
  status: number;
  body: Json;
}

const BALANCE_POLL_MS = 25;
const STATUS_POLL_MS = 250;
const PROGRESS_EVERY_MS = 15_000;

export interface PlatformClient {
  get(path: string): Promise<Answer>;
  post(path: string, body: unknown): Promise<Answer>;
  delete(path: string, body: unknown): Promise<Answer>;
}

/** The platform API as the person's app sees it; a token that expired mid-run (15 min) is minted again. */
export function platformClient(server: ConsentryUnderTest, firstToken: string): PlatformClient {
  let token = firstToken;
  const call = async (method: string, path: string, body?: unknown): Promise<Answer> => {
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
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    delete: (path, body) => call('DELETE', path, body),
  };
}

async function expectStatus(answer: Promise<Answer>, status: number, what: string): Promise<Answer> {
  const result = await answer;
  if (result.status !== status)
    throw new Error(`${what} answered ${result.status}: ${JSON.stringify(result.body).slice(0, 500)}`);
  return result;
}

/** Every transaction of the connection through GET /platform/v2/transactions, 100 a page. */
export async function countTransactions(api: PlatformClient): Promise<number> {
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

/** The server's CPU (µs) for one request of `path`, measured over 200 after 20 unmeasured. */
export async function cpuPerRequest(server: ConsentryUnderTest, api: PlatformClient, path: string): Promise<number> {
  for (let i = 0; i < 20; i++) await api.get(path);
  const before = sampleCpuUs(server.pid);
  for (let i = 0; i < 200; i++) await api.get(path);
  return (sampleCpuUs(server.pid) - before) / 200;
}

export const ASSETS_POLL = '/platform/v2/assets?crypto_sources=binance&limit=100';
export const STATUS_POLL = '/platform/v2/providers';

export interface SyncRun {
  /** POST /platform/v2/providers: the key verified at the exchange, the sync queued. */
  linkMs: number;
  /** From the link request until GET /assets listed the balances. */
  balancesMs: number;
  /** From the link request until the connection was `connected`. */
  connectedMs: number;
  /** Server CPU from the link request until `connected`, and until the balances were visible. */
  cpuMs: number;
  balancesCpuMs: number;
  polls: { assets: number; status: number };
  /**
   * Status-poll intervals in which the stand-in answered no call (the sync waited on the limit, or
   * stored and priced): their length and the server's CPU in them. The rest is CPU while calls ran.
   */
  quiet: { seconds: number; cpuMs: number };
  /** Messages of an `error` status seen while the job retried. */
  errorsSeen: string[];
}

/** Links the stand-in's key as the person, then waits for the balances and for `connected`. */
export async function linkAndSync(
  server: ConsentryUnderTest,
  api: PlatformClient,
  standIn: BinanceStandIn,
  assetCount: number,
  timeoutMs: number,
): Promise<SyncRun> {
  const wanted = Math.min(100, assetCount);
  const cpu0 = sampleCpuUs(server.pid);
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  const deadline = (what: string) => {
    if (elapsed() > timeoutMs) throw new Error(`${what} after ${Math.round(timeoutMs / 1000)} s`);
  };
  const link = { provider_id: 'binance', connection: { type: 'api_key', ...standIn.key } };
  await expectStatus(api.post('/platform/v2/providers', link), 201, 'POST /platform/v2/providers');
  const linkMs = elapsed();

  let assetPolls = 1;
  for (; ; assetPolls++) {
    const assets = await expectStatus(api.get(ASSETS_POLL), 200, 'GET /platform/v2/assets');
    if (assets.body.data.assets.length >= wanted) break;
    deadline('the balances were not visible');
    await sleep(BALANCE_POLL_MS);
  }
  const balancesMs = elapsed();
  const balancesCpuMs = (sampleCpuUs(server.pid) - cpu0) / 1000;

  const errorsSeen: string[] = [];
  const quiet = { seconds: 0, cpuMs: 0 };
  let last = { at: performance.now(), cpuUs: sampleCpuUs(server.pid), calls: standIn.charges.length };
  let statusPolls = 1;
  let progressAt = performance.now();
  for (; ; statusPolls++) {
    const listed = await expectStatus(api.get(STATUS_POLL), 200, 'GET /platform/v2/providers');
    const connection = listed.body.data.providers[0];
    const now = { at: performance.now(), cpuUs: sampleCpuUs(server.pid), calls: standIn.charges.length };
    if (now.calls === last.calls) {
      quiet.seconds += (now.at - last.at) / 1000;
      quiet.cpuMs += (now.cpuUs - last.cpuUs) / 1000;
    }
    last = now;
    if (connection?.status === 'connected') break;
    if (connection?.status === 'needs_reauth')
      throw new Error(`the key stopped working: ${JSON.stringify(connection)}`);
    // `error` while the job retries (a rate limit it gave up waiting out, say): noted, waited on.
    const message = connection?.error?.message;
    if (connection?.status === 'error' && !errorsSeen.includes(message)) errorsSeen.push(message);
    deadline('the sync had not finished');
    if (performance.now() - progressAt > PROGRESS_EVERY_MS) {
      progressAt = performance.now();
      const pages = standIn.charges.filter((c) => c.path === '/api/v3/myTrades').length;
      console.error(
        `exchange sync: ${Math.round(elapsed() / 1000)} s, ${standIn.charges.length} calls (${pages} trade pages), ${connection?.status}`,
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
    polls: { assets: assetPolls, status: statusPolls },
    quiet,
    errorsSeen,
  };
}
