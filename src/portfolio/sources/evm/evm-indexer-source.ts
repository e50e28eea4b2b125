import { getAddress } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import { SourceError } from '../../errors.ts';
import type { BalanceItem } from '../../ledger/normalized.ts';
import type { EvmChain, EvmIndexer } from '../../settings.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { nativeAsset, tokenAsset, tokenMetadata, type TokenMetadata } from './evm-assets.ts';
import { readBalances } from './evm-balances.ts';
import { normalizeEvmActivity } from './evm-normalize.ts';
import { rpc, rpcClient } from './evm-rpc.ts';
import { addL1Fees } from './l1-fees.ts';
import { joinActivities } from './indexer/account-activity.ts';
import { AccountApi } from './indexer/account-api.ts';
import { readHistoryStep, readRecentTokenTransfers, type CarriedRecords } from './indexer/account-history.ts';
import type { TokenRecord } from './indexer/account-records.ts';
import type { Sleep } from './indexer/rate-gate.ts';

/** Where the indexed history stands; saved with each page. */
interface IndexedCursor {
  v: 2;
  /** First block not read yet. */
  next: number;
  /** Every ERC-20 the address touched, with its metadata as the indexer gave it. */
  tokens: Record<string, TokenMetadata>;
}

export interface EvmIndexerSourceOptions {
  chain: EvmChain & { indexer: EvmIndexer };
  address: string;
  /** Records per indexer call. */
  pageSize: number;
  timeoutMs: number;
  sleep?: Sleep;
}

function parseCursor(text: string | null | undefined, startBlock: number): IndexedCursor {
  if (text) {
    try {
      const cursor = JSON.parse(text) as IndexedCursor;
      if (cursor.v === 2) return cursor;
    } catch {
      // unreadable: read again from the start below
    }
  }
  // No cursor, or one of the block scan (which saw no internal transfers): the history is read
  // again from the start; upserts keyed by chain and hash store nothing twice.
  return { v: 2, next: startBlock, tokens: {} };
}

/**
 * An EVM wallet read from an Etherscan-compatible indexer: balances first, straight from the
 * chain (native and every ERC-20 the indexer says the address touched, through Multicall3),
 * then the history (normal, internal and ERC-20 transfers) a page of each list per step,
 * incremental from the last block read. The RPC node's head bounds what the indexer may list.
 */
export function evmIndexerSource(
  options: EvmIndexerSourceOptions,
): SourceAdapter & { balancesFirst: true; fetchBalances(cursor?: string | null): Promise<BalanceItem[]> } {
  const { chain, pageSize } = options;
  const client = rpcClient(chain.rpcUrl, options.timeoutMs);
  const api = new AccountApi({
    indexer: chain.indexer,
    timeoutMs: options.timeoutMs,
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  const owner = getAddress(options.address);
  const native = nativeAsset(chain);
  const context = { chainId: chain.id, numericChainId: chain.chainId, owner, native };
  const known = new Map<string, TokenMetadata>();
  const assets = new Map<string, AssetRef>();
  const carried: CarriedRecords = new Map();

  const learn = (contract: string, metadata: TokenMetadata): AssetRef => {
    let asset = assets.get(contract);
    if (!asset) {
      if (!known.has(contract)) known.set(contract, metadata);
      asset = tokenAsset(chain, contract, known.get(contract)!);
      assets.set(contract, asset);
    }
    return asset;
  };
  // Cleaned only for a contract not seen yet: a wallet's thousands of transfers name a few tokens.
  const learnRecord = (record: TokenRecord) =>
    assets.get(record.contract) ??
    learn(record.contract, tokenMetadata(record.tokenSymbol, record.tokenName, record.tokenDecimals));
  const learnCursor = (cursor: IndexedCursor) => {
    for (const [contract, metadata] of Object.entries(cursor.tokens)) learn(contract, metadata);
  };
  const head = async () => Number(await rpc(() => client.getBlockNumber()));

  return {
    balancesFirst: true,

    async validate() {
      const id = await rpc(() => client.getChainId());
      if (id !== chain.chainId)
        throw new SourceError('invalid', `the RPC node of ${chain.name} serves chain id ${id}, not ${chain.chainId}`);
    },

    /** `cursor` (the saved one, when the engine passes it) adds tokens older than the newest page of transfers. */
    async fetchBalances(cursor?: string | null): Promise<BalanceItem[]> {
      learnCursor(parseCursor(cursor, chain.startBlock));
      for (const record of await readRecentTokenTransfers(api, owner, await head(), pageSize))
        if (!record.nft) learnRecord(record);
      return readBalances(client, owner, native, assets, chain.multicall3);
    },

    async fetchTransactions(cursor): Promise<TransactionBatch> {
      const state = parseCursor(cursor, chain.startBlock);
      learnCursor(state);
      const top = await head();
      const safe = top - chain.confirmations;
      if (state.next > safe) return { items: [], nextCursor: JSON.stringify(state), done: true };
      const step = await readHistoryStep(api, owner, state.next, safe, top, pageSize, carried);
      const activities = joinActivities(owner, native, learnRecord, step.page);
      if (chain.opStack) await addL1Fees(client, activities);
      const items = activities.map((a) => normalizeEvmActivity(context, a));
      const next: IndexedCursor = { v: 2, next: step.end + 1, tokens: Object.fromEntries(known) };
      return { items, nextCursor: JSON.stringify(next), done: step.end >= safe };
    },
  };
}
