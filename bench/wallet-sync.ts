// Wallet sync benchmark (issue #12; npm run bench calls runWalletBench, BENCH_SCENARIOS=wallet runs it
// alone; or: node --import tsx bench/wallet-sync.ts).
//   The wallet: one EVM address with 10,000 transfers on Ethereum and a few on Base and
//   Arbitrum One, none on the four other default networks. Each network with activity is a real
//   anvil node with the wallet's real transactions (bench/wallet-history.ts: ERC-20 and ETH in and
//   out, ETH received inside contract calls), the other four share a quiet node; every network has
//   an Etherscan-compatible stand-in serving its node's blocks, receipts and traces, and an RPC
//   proxy, both adding BENCH_WALLET_LATENCY_MS to every answer, the stand-in allowing
//   BENCH_WALLET_CALLS_PER_SECOND and answering Etherscan's "Max rate limit reached" past it
//   (bench/wallet-networks.ts). Consentry's production build runs in its own process, configured
//   with the seven networks at the same calls per second; the person links the address on "All EVM
//   networks" (POST /platform/v2/providers, provider `evm`) and the bench measures
//   (bench/wallet-watch.ts):
//   - discovery: the link request itself, which asks the seven indexers (target < 5 s);
//   - balances: until GET /assets lists a position of each of the three networks (target < 3 s);
//   - full history: until every connection is `connected` and GET /transactions lists every
//     transaction (target < 30 s);
//   - Consentry's CPU time (its process, every thread, from /proc) per 1,000 transfers (target < 50 ms);
//   - the latency of every API call made while the sync ran (p50/p95/p99/max), the indexer calls,
//     rate-limit answers, and the stand-ins' own cost.
//   Baselines from the same run: the time the indexer's rate limit alone needs for the calls made,
//   and the same wallet through today's fallback, the block scan (the three networks configured
//   without an indexer, from the wallet's first block), watched for at most
//   BENCH_WALLET_SCAN_SECONDS: its time to balances and full history, or how far it got and at what rate.
//
//   BENCH_WALLET_TRANSFERS=10000        transfers on Ethereum (one transaction each)
//   BENCH_WALLET_LIGHT_TRANSFERS=40     transfers on Base and on Arbitrum One
//   BENCH_WALLET_PER_BLOCK=20           transfers in a block that holds some (Ethereum)
//   BENCH_WALLET_GAP_BLOCKS=3           empty blocks after each of those (Ethereum; Base and Arbitrum: 20)
//   BENCH_WALLET_LATENCY_MS=50          added by the stand-ins and RPC proxies to every answer
//   BENCH_WALLET_CALLS_PER_SECOND=5     the indexers' limit, and Consentry's indexerCallsPerSecond
//   BENCH_WALLET_TIMEOUT_SECONDS=300    give up on the indexed sync after this long (an error)
//   BENCH_WALLET_SCAN_SECONDS=120       stop watching the block scan after this long (0: skip it)
//   BENCH_CPU_PROFILE_DIR=dir           profile Consentry (node --cpu-prof) and print where its CPU went
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { startConsentry, type ConsentryUnderTest } from './consentry-server.ts';
import { summarizeCpuProfile, type ProfileWindow } from './cpu-profile-summary.ts';
import { platformClient, type PlatformClient } from './exchange-link.ts';
import type { HistoryPlan } from './wallet-history.ts';
import { blockScanChains, indexedChains, startNetworks, type BenchNetwork } from './wallet-networks.ts';
import {
  ASSETS_PATH,
  cpuPerRequest,
  linkAndWatch,
  percentile,
  STATUS_PATH,
  type LinkedNetwork,
  type WatchedSync,
} from './wallet-watch.ts';

export interface WalletBenchRow {
  scenario: string;
  metric: string;
  value: number | null;
  unit: string;
  target: string;
  verdict: string;
}

/** A platform API answer, read loosely: the bench checks the few fields it uses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const SCOPES = ['read:providers', 'write:providers', 'read:assets', 'read:transactions'];
/** Ethereum blocks in a year (12 s each): the span a real wallet's block scan faces. */
const YEAR_OF_BLOCKS = (365 * 86_400) / 12;

function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isFinite(n) && n >= 0 ? n : fallback;
}

const round = (n: number, places = 0) => Math.round(n * 10 ** places) / 10 ** places;

/** Prints the profile of the server's main thread (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile), one window at a time. */
function printProfile(dir: string, pid: number, windows: Array<{ what: string; window: ProfileWindow }>): void {
  for (const file of readdirSync(dir).filter(
    (f) => f.endsWith('.cpuprofile') && f.split('.')[3] === String(pid) && f.split('.')[4] === '0',
  ))
    for (const { what, window } of windows)
      console.error(`\nCPU profile of Consentry (${what}):\n${summarizeCpuProfile(join(dir, file), 30, window)}`);
}

/** One watched sync and the label of its part of a CPU profile. */
interface Profiled {
  profiled: Array<{ what: string; window: ProfileWindow }>;
}

/** A Consentry process over these chains, with a person holding a platform token; `use` runs with it. */
async function withServer<T extends Profiled>(
  evmChains: string,
  use: (server: ConsentryUnderTest, api: PlatformClient) => Promise<T>,
): Promise<T> {
  const profileDir = process.env.BENCH_CPU_PROFILE_DIR ? resolve(process.env.BENCH_CPU_PROFILE_DIR) : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const server = await startConsentry({
    ...(profileDir ? { cpuProfileDir: profileDir } : {}),
    settings: {
      EVM_CHAINS: evmChains,
      // No price source: valuing the history is best effort and fails fast here.
      COINGECKO_API_URL: 'http://127.0.0.1:9',
      // Its warnings (no price source, development mode) would bury the figures.
      LOG_LEVEL: 'error',
    },
    platformScopes: SCOPES,
  });
  let result: T | undefined;
  try {
    result = await use(server, platformClient(server, await server.mintPlatformToken()));
    return result;
  } finally {
    await server.close();
    // Each sync from its link request until every connection was `connected`, not the start-up.
    if (profileDir) printProfile(profileDir, server.pid, result?.profiled ?? []);
  }
}

async function expectStatus(answer: Promise<{ status: number; body: Json }>, status: number, what: string) {
  const { status: got, body } = await answer;
  if (got !== status) throw new Error(`${what} answered ${got}: ${JSON.stringify(body)}`);
  return body;
}

const linkWallet = (api: PlatformClient, provider: string, address: string) =>
  expectStatus(
    api.post('/platform/v2/providers', { provider_id: provider, connection: { type: 'wallet', address } }),
    201,
    `POST /platform/v2/providers (${provider})`,
  );

/** The bench's own polling (GET /assets and /providers) ran on the server too: its CPU, measured per request afterwards (ms). */
async function pollingCpuMs(server: ConsentryUnderTest, api: PlatformClient, run: WatchedSync): Promise<number> {
  const assets = await cpuPerRequest(server, api, ASSETS_PATH);
  const status = await cpuPerRequest(server, api, STATUS_PATH);
  return (run.latencies.assets.length * assets + run.latencies.providers.length * status) / 1000;
}

/** Indexer calls and rate-limit answers of each network since `mark`. */
function indexerUse(networks: BenchNetwork[], mark: Map<string, { calls: number; limited: number }>) {
  return networks.map((n) => ({
    id: n.id,
    calls: n.indexer.calls.length - mark.get(n.id)!.calls,
    limited: n.indexer.rateLimited - mark.get(n.id)!.limited,
  }));
}

const markIndexers = (networks: BenchNetwork[]) =>
  new Map(networks.map((n) => [n.id, { calls: n.indexer.calls.length, limited: n.indexer.rateLimited }]));

interface IndexedSync {
  run: WatchedSync;
  discoveryCalls: number;
  use: ReturnType<typeof indexerUse>;
  pollMs: number;
}

/**
 * Links the wallet on "All EVM networks" and watches its sync; checks that the link found exactly
 * the networks with activity and that every transaction was listed.
 */
async function syncOnAllNetworks(
  server: ConsentryUnderTest,
  api: PlatformClient,
  networks: BenchNetwork[],
  wallet: string,
  transfers: number,
  timeoutMs: number,
): Promise<IndexedSync> {
  const mark = markIndexers(networks);
  let discoveryCalls = 0;
  let errors: unknown[] = [];
  const run = await linkAndWatch(
    server,
    api,
    async () => {
      const body = await linkWallet(api, 'evm', wallet);
      discoveryCalls = indexerUse(networks, mark).reduce((sum, u) => sum + u.calls, 0);
      errors = body.errors ?? [];
      return body.data.networks as LinkedNetwork[];
    },
    timeoutMs,
    () => `${indexerUse(networks, mark).find((u) => u.id === 'ethereum')!.calls} calls to the ethereum indexer`,
  );
  const linkedIds = run.linked.map((l) => l.provider_id).sort();
  const activeIds = networks.filter((n) => n.history).map((n) => n.id);
  if (JSON.stringify(linkedIds) !== JSON.stringify(activeIds.sort()) || errors.length)
    throw new Error(`the link found ${linkedIds.join(', ')} (errors: ${JSON.stringify(errors)})`);
  if (run.historyMs === undefined)
    throw new Error(
      `the indexed sync had not finished after ${timeoutMs / 1000} s (${run.stored} transactions listed)`,
    );
  if (run.stored !== transfers)
    throw new Error(`expected ${transfers} transactions listed, GET /platform/v2/transactions listed ${run.stored}`);
  for (const message of run.errorsSeen) console.error(`wallet: a connection showed error: ${message}`);
  return { run, discoveryCalls, use: indexerUse(networks, mark), pollMs: await pollingCpuMs(server, api, run) };
}

export async function runWalletBench(): Promise<WalletBenchRow[]> {
  const latencyMs = envNumber('BENCH_WALLET_LATENCY_MS', 50);
  const callsPerSecond = envNumber('BENCH_WALLET_CALLS_PER_SECOND', 5);
  const heavy: HistoryPlan = {
    transfers: Math.max(1, Math.round(envNumber('BENCH_WALLET_TRANSFERS', 10_000))),
    tokens: 5,
    perBlock: Math.max(1, Math.round(envNumber('BENCH_WALLET_PER_BLOCK', 20))),
    gapBlocks: Math.round(envNumber('BENCH_WALLET_GAP_BLOCKS', 3)),
  };
  const light: HistoryPlan = {
    transfers: Math.max(1, Math.round(envNumber('BENCH_WALLET_LIGHT_TRANSFERS', 40))),
    tokens: 2,
    perBlock: 4,
    gapBlocks: 20,
  };
  const timeoutMs = envNumber('BENCH_WALLET_TIMEOUT_SECONDS', 300) * 1000;
  const scanMs = envNumber('BENCH_WALLET_SCAN_SECONDS', 120) * 1000;
  const wallet = privateKeyToAccount(generatePrivateKey()).address;

  const setupAt = performance.now();
  const { networks, close } = await startNetworks({
    wallet,
    active: { ethereum: heavy, base: light, arbitrum: light },
    latencyMs,
    callsPerSecond,
  });
  try {
    const active = networks.filter((n) => n.history);
    for (const n of active) {
      // The stand-in lists what the history sent, or the bench would measure the wrong thing.
      const me = wallet.toLowerCase();
      const listed = {
        txlist: n.indexer.recordsOf('txlist', me).length,
        tokentx: n.indexer.recordsOf('tokentx', me).length,
        txlistinternal: n.indexer.recordsOf('txlistinternal', me).length,
      };
      if (JSON.stringify(listed) !== JSON.stringify(n.history!.records))
        throw new Error(
          `the ${n.id} stand-in lists ${JSON.stringify(listed)}, the history sent ${JSON.stringify(n.history!.records)}`,
        );
      console.error(
        `wallet: ${n.id}: ${n.plan!.transfers} transfers (${JSON.stringify(n.history!.kinds)}) in blocks ${n.history!.firstBlock}–${n.history!.head}, built in ${round(n.buildMs)} ms, indexed by its stand-in in ${round(n.indexMs)} ms`,
      );
    }
    console.error(`wallet: seven networks ready in ${round((performance.now() - setupAt) / 1000, 1)} s`);
    const transfers = active.reduce((sum, n) => sum + n.plan!.transfers, 0);
    const internal = active.reduce((sum, n) => sum + n.history!.kinds.internalIn, 0);
    const heavyNet = active.find((n) => n.id === 'ethereum')!;
    console.log(
      `One address (${wallet}): ${heavy.transfers.toLocaleString('en')} transfers on ethereum (${heavy.perBlock} a block, ${heavy.gapBlocks} empty blocks between), ${light.transfers} on base and on arbitrum, none on optimism, polygon, bsc, avalanche;\n` +
        `indexer stand-ins and RPC proxies +${latencyMs} ms per call, indexers ${callsPerSecond} calls/s (Etherscan's "Max rate limit reached" past it), Consentry at indexerCallsPerSecond ${callsPerSecond}.`,
    );
    const rows: WalletBenchRow[] = [];
    const row = (s: string, metric: string, value: number | null, unit: string, target = '', met?: boolean) =>
      rows.push({
        scenario: s,
        metric,
        value,
        unit,
        target,
        verdict: met === undefined ? '' : met ? 'met' : 'NOT MET',
      });

    // 1. The indexers, as configured by default (at the stand-ins' rate): the wallet linked on a
    // fresh process (cold: its code is compiled as the sync first runs it), then unlinked and
    // linked again on the same process (warm: the cost a busy node pays per wallet).
    const indexed = await withServer(indexedChains(networks, callsPerSecond), async (server, api) => {
      const cold = await syncOnAllNetworks(server, api, networks, wallet, transfers, timeoutMs);
      const connection_ids = cold.run.linked.map((l) => l.connection_id);
      await expectStatus(
        api.delete('/platform/v2/providers', { connection_ids }),
        200,
        'DELETE /platform/v2/providers',
      );
      const warm = await syncOnAllNetworks(server, api, networks, wallet, transfers, timeoutMs);
      return {
        cold,
        warm,
        profiled: [
          { what: 'indexed sync, cold, link to connected', window: cold.run.window },
          { what: 'indexed sync, warm, link to connected', window: warm.run.window },
        ],
      };
    });
    const { run } = indexed.cold;
    const perThousand = (ms: number) => round((ms / transfers) * 1000, 1);
    const s1 = 'indexed (default)';
    for (const [label, sync] of [
      ['', indexed.cold],
      ['again, warm: ', indexed.warm],
    ] as const) {
      const r = sync.run;
      const providerOf = new Map(r.linked.map((l) => [l.connection_id, l.provider_id]));
      const history = r.historyMs!;
      row(
        s1,
        `${label}discovery: the link request (asks 7 indexers)`,
        round(r.linkMs),
        'ms',
        '< 5000 ms',
        r.linkMs < 5000,
      );
      if (!label) row(s1, '  indexer calls it made', sync.discoveryCalls, 'calls');
      row(
        s1,
        `${label}balances of all 3 networks visible (from the link request)`,
        round(r.balancesMs!),
        'ms',
        '< 3000 ms',
        r.balancesMs! < 3000,
      );
      if (!label)
        for (const [id, c] of r.perConnection)
          row(s1, `  ${providerOf.get(id)} positions`, round(c.positionsMs!), 'ms');
      row(
        s1,
        `${label}full history (connected, every tx listed)`,
        round(history / 1000, 1),
        's',
        '< 30 s',
        history < 30_000,
      );
      if (!label) {
        for (const [id, c] of r.perConnection)
          row(s1, `  ${providerOf.get(id)} connected`, round(c.connectedMs! / 1000, 1), 's');
        row(s1, 'transactions listed', r.stored, 'tx');
        for (const u of sync.use.filter((u) => u.calls > 0))
          row(s1, `indexer calls, ${u.id}`, u.calls, `calls (${u.limited} rate-limit answers)`);
        const heavyCalls = sync.use.find((u) => u.id === 'ethereum')!.calls;
        row(s1, 'baseline: ethereum calls ÷ rate limit', round(heavyCalls / callsPerSecond, 1), 's');
      }
      const cpu = perThousand(r.cpuMs);
      row(s1, `${label}Consentry CPU, link to connected`, round(r.cpuMs), 'ms');
      row(s1, '  per 1,000 transfers', cpu, 'ms', '< 50 ms', cpu < 50);
      row(s1, '  of it the main thread', perThousand(r.mainThreadCpuMs), 'ms per 1,000');
      row(s1, '  of it the bench polling', round(sync.pollMs), 'ms');
      row(s1, '  per 1,000 transfers, the polling left out', perThousand(r.cpuMs - sync.pollMs), 'ms');
      row(s1, '  after the balances showed', perThousand(r.cpuMs - r.balancesCpuMs!), 'ms per 1,000');
    }
    // An app open on the portfolio while the wallet syncs: every call of both runs.
    for (const endpoint of ['assets', 'providers', 'transactions'] as const) {
      const values = [...indexed.cold.run.latencies[endpoint], ...indexed.warm.run.latencies[endpoint]];
      row(
        s1,
        `GET /${endpoint} during the syncs: p50 / p95 / p99 / max`,
        round(percentile(values, 50), 1),
        `/ ${round(percentile(values, 95), 1)} / ${round(percentile(values, 99), 1)} / ${round(Math.max(0, ...values), 1)} ms (n=${values.length})`,
      );
    }
    const answerMs = networks.reduce((sum, n) => sum + n.indexer.answerMs, 0);
    const answered = networks.reduce((sum, n) => sum + n.indexer.calls.length, 0);
    row(s1, 'stand-ins: indexing the nodes (before the run)', round(networks.reduce((s, n) => s + n.indexMs, 0)), 'ms');
    row(
      s1,
      'stand-ins: choosing and serializing records, per call',
      round(answerMs / Math.max(1, answered), 2),
      `ms (${answered} calls)`,
    );

    // 2. The block scan (today's fallback for a chain without an indexer), bounded in time.
    if (scanMs > 0) {
      const s2 = 'block scan (fallback)';
      const scanned = await withServer(blockScanChains(networks), async (server, api) => {
        const before = new Map(active.map((n) => [n.id, n.node.calls.length]));
        const blocksRead = () =>
          active.map((n) => {
            const reads = n.node.calls
              .slice(before.get(n.id))
              .filter((c) => c.method === 'eth_getBlockByNumber' && c.params[1] === true);
            const seconds = reads.length ? (reads.at(-1)!.at - reads[0]!.at) / 1000 : 0;
            return { id: n.id, blocks: reads.length, seconds };
          });
        const scanRun = await linkAndWatch(
          server,
          api,
          async () => {
            const linked: LinkedNetwork[] = [];
            for (const n of active)
              linked.push({
                provider_id: n.id,
                connection_id: (await linkWallet(api, n.id, wallet)).data.connection_id,
              });
            return linked;
          },
          scanMs,
          () =>
            blocksRead()
              .map((b) => `${b.id} ${b.blocks} blocks`)
              .join(', '),
        );
        return {
          run: scanRun,
          blocks: blocksRead(),
          profiled: [{ what: 'block scan, link to connected (or the end of the watch)', window: scanRun.window }],
        };
      });
      const { run: scanRun, blocks } = scanned;
      const scanProvider = new Map(scanRun.linked.map((l) => [l.connection_id, l.provider_id]));
      const heavyReads = blocks.find((b) => b.id === 'ethereum')!;
      const heavyBlocks = heavyReads.blocks;
      const heavySpan = heavyNet.history!.head - heavyNet.history!.firstBlock + 1;
      // The pace of reading blocks alone, from the first block read to the last.
      const rate = heavyBlocks / Math.max(0.001, heavyReads.seconds);
      row(s2, 'link requests (3 networks, no discovery)', round(scanRun.linkMs), 'ms');
      row(
        s2,
        'balances of all 3 networks visible (from the link request)',
        scanRun.balancesMs === undefined ? null : round(scanRun.balancesMs / 1000, 1),
        scanRun.balancesMs === undefined ? `s: not within ${scanMs / 1000} s` : 's',
      );
      for (const [id, c] of scanRun.perConnection)
        row(
          s2,
          `  ${scanProvider.get(id)} positions`,
          c.positionsMs === undefined ? null : round(c.positionsMs / 1000, 1),
          's',
        );
      row(
        s2,
        'full history (connected, every tx listed)',
        scanRun.historyMs === undefined ? null : round(scanRun.historyMs / 1000, 1),
        scanRun.historyMs === undefined ? `s: not within ${scanMs / 1000} s` : 's',
      );
      for (const [id, c] of scanRun.perConnection)
        row(
          s2,
          `  ${scanProvider.get(id)} connected`,
          c.connectedMs === undefined ? null : round(c.connectedMs / 1000, 1),
          's',
        );
      row(
        s2,
        'transactions listed',
        scanRun.stored,
        `tx of ${transfers} (${internal} are ETH received inside contract calls, which it cannot see)`,
      );
      row(s2, 'ethereum blocks read', heavyBlocks, `of ${heavySpan} in the span`);
      row(s2, '  reading them', round(heavyReads.seconds, 1), 's');
      row(s2, '  rate', round(rate), 'blocks/s');
      row(s2, '  a year of Ethereum blocks at that rate', round(YEAR_OF_BLOCKS / rate / 3600, 1), 'h');
      row(s2, 'Consentry CPU, link to connected (or the end of the watch)', round(scanRun.cpuMs), 'ms');
      row(s2, '  per 1,000 transactions listed', round((scanRun.cpuMs / Math.max(1, scanRun.stored)) * 1000, 1), 'ms');
      if (scanRun.historyMs !== undefined)
        row(s2, 'indexed full history ÷ block scan full history', round(run.historyMs! / scanRun.historyMs, 2), '×');
      for (const message of scanRun.errorsSeen)
        console.error(`wallet: a block-scan connection showed error: ${message}`);
    }
    return rows;
  } finally {
    await close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { formatTable } = await import('./load.ts');
  console.log(formatTable(await runWalletBench()));
}
