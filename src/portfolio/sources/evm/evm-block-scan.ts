import { getAddress, type Address, type Hash, type Transaction } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import { SourceError } from '../../errors.ts';
import type { BalanceItem, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { EvmChain } from '../../settings.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { nativeAsset, tokenAsset } from './evm-assets.ts';
import { readBalances } from './evm-balances.ts';
import { activityFromReceipt, normalizeEvmActivity, tokenTransfers } from './evm-normalize.ts';
import { readTokenMetadata, rpc, rpcClient, TRANSFER_EVENT } from './evm-rpc.ts';

interface EvmCursor {
  /** First block not scanned yet. */
  next: number;
  /** ERC-20 contracts the wallet ever touched (their balances are read). */
  tokens: string[];
}

export interface EvmSourceOptions {
  chain: EvmChain;
  address: string;
  blocksPerStep: number;
  timeoutMs: number;
}

const BLOCK_CONCURRENCY = 25;

/**
 * An EVM wallet on a chain without an indexer (a development chain), through plain JSON-RPC
 * (viem), from the chain's configured start block: blocks are scanned for transactions from or to
 * the address, `eth_getLogs` finds ERC-20 Transfer events to or from it, receipts give status
 * and gas. Each step covers `blocksPerStep` blocks up to head minus the chain's confirmations.
 */
export function evmBlockScanSource(options: EvmSourceOptions): SourceAdapter {
  const { chain } = options;
  const client = rpcClient(chain.rpcUrl, options.timeoutMs);
  const owner = getAddress(options.address);
  const native = nativeAsset(chain);
  const tokenAssets = new Map<string, AssetRef>();
  let state: EvmCursor = { next: chain.startBlock, tokens: [] };

  async function knowTokens(contracts: string[]): Promise<void> {
    for (const contract of contracts) {
      if (tokenAssets.has(contract)) continue;
      const metadata = await rpc(() => readTokenMetadata(client, contract as Address));
      if (metadata) tokenAssets.set(contract, tokenAsset(chain, contract, metadata));
    }
  }

  return {
    async validate() {
      const id = await rpc(() => client.getChainId());
      if (id !== chain.chainId)
        throw new SourceError('invalid', `the RPC node of ${chain.name} serves chain id ${id}, not ${chain.chainId}`);
    },

    async fetchTransactions(cursor): Promise<TransactionBatch> {
      if (cursor) state = JSON.parse(cursor) as EvmCursor;
      await knowTokens(state.tokens);
      const head = Number(await rpc(() => client.getBlockNumber()));
      const safe = head - chain.confirmations;
      if (state.next > safe) return { items: [], nextCursor: JSON.stringify(state), done: true };
      const to = Math.min(safe, state.next + options.blocksPerStep - 1);
      const { hits, times } = await scanBlocks(state.next, to);
      const range = { fromBlock: BigInt(state.next), toBlock: BigInt(to) };
      const [sent, received] = await rpc(() =>
        Promise.all([
          client.getLogs({ event: TRANSFER_EVENT, args: { from: owner }, ...range }),
          client.getLogs({ event: TRANSFER_EVENT, args: { to: owner }, ...range }),
        ]),
      );
      const logHashes = [...sent, ...received]
        .map((log) => log.transactionHash)
        .filter((h): h is Hash => !!h && !hits.has(h));
      const fetched = await rpc(() =>
        Promise.all([...new Set(logHashes)].map((hash) => client.getTransaction({ hash }))),
      );
      for (const tx of fetched) hits.set(tx.hash, tx as Transaction);
      const receipts = await rpc(() =>
        Promise.all([...hits.keys()].map((hash) => client.getTransactionReceipt({ hash }))),
      );
      const lowerOwner = owner.toLowerCase();
      const touched = receipts.flatMap((r) =>
        tokenTransfers(r.logs)
          .filter((t) => t.from === lowerOwner || t.to === lowerOwner)
          .map((t) => t.token),
      );
      await knowTokens([...new Set(touched)]);
      const context = { chainId: chain.id, numericChainId: chain.chainId, owner, native };
      const items: NormalizedTransaction[] = receipts.map((receipt) => {
        const tx = hits.get(receipt.transactionHash)!;
        const time = times.get(Number(receipt.blockNumber)) ?? 0;
        return normalizeEvmActivity(
          context,
          activityFromReceipt(context, tokenAssets, tx, receipt, time, chain.opStack),
        );
      });
      state = { next: to + 1, tokens: [...new Set([...state.tokens, ...tokenAssets.keys()])] };
      return { items, nextCursor: JSON.stringify(state), done: to >= safe };
    },

    async fetchBalances(): Promise<BalanceItem[]> {
      return readBalances(client, owner, native, tokenAssets, chain.multicall3);
    },
  };

  /** Transactions from or to the owner in [from, to], and every block's time (ms). */
  async function scanBlocks(
    from: number,
    to: number,
  ): Promise<{ hits: Map<Hash, Transaction>; times: Map<number, number> }> {
    const hits = new Map<Hash, Transaction>();
    const times = new Map<number, number>();
    const lower = owner.toLowerCase();
    for (let start = from; start <= to; start += BLOCK_CONCURRENCY) {
      const numbers = Array.from({ length: Math.min(BLOCK_CONCURRENCY, to - start + 1) }, (_, i) => BigInt(start + i));
      const blocks = await rpc(() =>
        Promise.all(numbers.map((blockNumber) => client.getBlock({ blockNumber, includeTransactions: true }))),
      );
      for (const block of blocks) {
        times.set(Number(block.number), Number(block.timestamp) * 1000);
        for (const tx of block.transactions) {
          if (tx.from.toLowerCase() === lower || tx.to?.toLowerCase() === lower) hits.set(tx.hash, tx as Transaction);
        }
      }
    }
    return { hits, times };
  }
}
