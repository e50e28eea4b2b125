// The wallet benchmark's seven networks: a real anvil node for each network where the wallet has
// activity (its own chain id and history) and one quiet node the wallet never used for the other
// four; in front of each network, an Etherscan-compatible stand-in serving the node's real blocks,
// receipts and traces (test/portfolio/support/etherscan-server.ts) and an RPC proxy
// (rpc-recorder.ts), both adding the same latency to every answer, the stand-in also enforcing the
// indexer's calls per second with Etherscan's own rate-limit answer.
import type { Address } from 'viem';
import { startAnvil, type AnvilProcess } from '../test/portfolio/support/anvil-process.ts';
import { EtherscanServer } from '../test/portfolio/support/etherscan-server.ts';
import { RpcRecorder } from '../test/portfolio/support/rpc-recorder.ts';
import { BLOCK_SECONDS, buildWalletHistory, type HistoryPlan, type WalletHistory } from './wallet-history.ts';

export const API_KEY = 'bench-etherscan-key';

/** The default networks (src/portfolio/evm-networks.ts), in their order there. */
const NETWORKS = [
  { id: 'ethereum', chainId: 1 },
  { id: 'base', chainId: 8453 },
  { id: 'arbitrum', chainId: 42161 },
  { id: 'optimism', chainId: 10 },
  { id: 'polygon', chainId: 137 },
  { id: 'bsc', chainId: 56 },
  { id: 'avalanche', chainId: 43114 },
] as const;

export interface BenchNetwork {
  id: string;
  chainId: number;
  /** The wallet's history there; absent on the four networks it never used. */
  history?: WalletHistory;
  plan?: HistoryPlan;
  node: RpcRecorder;
  indexer: EtherscanServer;
  /** Time the stand-in took to index its node (before anything is measured). */
  indexMs: number;
  /** Time building the history took. */
  buildMs: number;
}

export interface NetworkOptions {
  wallet: Address;
  /** Which networks have activity, and how much each. */
  active: Record<string, HistoryPlan>;
  latencyMs: number;
  callsPerSecond: number;
}

/** Starts the nodes, builds the histories and starts the stand-ins; `close` stops them all. */
export async function startNetworks(
  options: NetworkOptions,
): Promise<{ networks: BenchNetwork[]; close(): Promise<void> }> {
  const running: Array<{ close(): Promise<void> }> = [];
  const close = async () => {
    for (const r of running.reverse()) await r.close();
  };
  try {
    const active = NETWORKS.filter((n) => options.active[n.id]);
    const spans = active.map((n) => {
      const plan = options.active[n.id]!;
      return Math.ceil(plan.transfers / plan.perBlock) * (plan.gapBlocks + 1);
    });
    // Each history ends an hour before now, its blocks BLOCK_SECONDS apart.
    const genesis = Math.floor(Date.now() / 1000) - (Math.max(...spans) + 100) * BLOCK_SECONDS - 3600;
    const quiet = await startAnvil({ genesisTimestamp: genesis });
    running.push(quiet);
    const networks: BenchNetwork[] = [];
    for (const [i, network] of NETWORKS.entries()) {
      const plan = options.active[network.id];
      let anvil: AnvilProcess = quiet;
      let history: WalletHistory | undefined;
      let buildMs = 0;
      if (plan) {
        anvil = await startAnvil({ chainId: network.chainId, noMining: true, genesisTimestamp: genesis });
        running.push(anvil);
        const started = performance.now();
        history = await buildWalletHistory(anvil.url, options.wallet, plan, i + 1);
        buildMs = performance.now() - started;
      }
      // The quiet node serves four networks: the proxy presents it under each one's chain id.
      const node = new RpcRecorder(anvil.url, plan ? undefined : network.chainId);
      node.latencyMs = options.latencyMs;
      await node.start();
      running.push(node);
      const indexer = new EtherscanServer(anvil.url, 0, { chainId: network.chainId, apiKey: API_KEY });
      indexer.latencyMs = options.latencyMs;
      indexer.callsPerSecond = options.callsPerSecond;
      await indexer.start();
      running.push(indexer);
      const started = performance.now();
      await indexer.catchUp();
      networks.push({
        id: network.id,
        chainId: network.chainId,
        ...(history ? { history, plan } : {}),
        node,
        indexer,
        indexMs: performance.now() - started,
        buildMs,
      });
    }
    await checkRateLimit(
      networks.find((n) => !n.history)!,
      options.callsPerSecond,
    );
    return { networks, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The limit is real: twice the allowed calls at once on a quiet network's stand-in get Etherscan's
 * rate-limit answer past the limit. Then the window is let clear, so the run starts unspent.
 */
async function checkRateLimit(network: BenchNetwork, callsPerSecond: number): Promise<void> {
  const url = `${network.indexer.url}?chainid=${network.chainId}&apikey=${API_KEY}&module=account&action=txlist&address=0x${'00'.repeat(20)}`;
  const burst = Math.max(2, Math.ceil(callsPerSecond * 2));
  const answers = await Promise.all(
    Array.from(
      { length: burst },
      async () => (await fetch(url)).json() as Promise<{ status: string; result: unknown }>,
    ),
  );
  const limited = answers.filter((a) => a.status === '0' && a.result === 'Max rate limit reached').length;
  if (limited < burst - Math.ceil(callsPerSecond))
    throw new Error(
      `the stand-in let ${burst - limited} of ${burst} calls at once through, at ${callsPerSecond} calls/s`,
    );
  await new Promise((resolve) => setTimeout(resolve, 1100));
}

/** EVM_CHAINS of the server reading every network through its indexer, at the indexer's rate. */
export function indexedChains(networks: BenchNetwork[], callsPerSecond: number): string {
  return JSON.stringify(
    networks.map((n) => ({
      id: n.id,
      rpcUrl: n.node.url,
      indexerUrl: `${n.indexer.url}?chainid=${n.chainId}`,
      indexerApiKey: API_KEY,
      indexerCallsPerSecond: callsPerSecond,
      ...(n.history ? { multicall3: n.history.multicall } : {}),
      confirmations: 0,
    })),
  );
}

/**
 * EVM_CHAINS of the server reading the networks with activity by today's fallback, the block
 * scan: no indexer, a start block (the wallet's first block: the scan's best case); the other
 * four are switched off (nothing could say whether the wallet used them).
 */
export function blockScanChains(networks: BenchNetwork[]): string {
  return JSON.stringify(
    networks.map((n) =>
      n.history
        ? {
            id: n.id,
            rpcUrl: n.node.url,
            indexerUrl: null,
            startBlock: n.history.firstBlock,
            multicall3: n.history.multicall,
            confirmations: 0,
          }
        : { id: n.id, enabled: false },
    ),
  );
}
