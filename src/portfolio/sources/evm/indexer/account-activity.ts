import type { AssetRef } from '../../../assets/asset-ref.ts';
import { APPROVE_SELECTOR, type EvmActivity } from '../evm-normalize.ts';
import type { IndexedRecord, NormalRecord, TokenRecord } from './account-records.ts';

export interface IndexedPage {
  normal: NormalRecord[];
  internal: IndexedRecord[];
  tokens: TokenRecord[];
}

/**
 * The indexer's three lists joined by transaction hash: the normal record gives the top-level
 * value, the status and (when the owner sent it) the fee and whether it was an `approve`;
 * internal records add the native coin moved inside contract calls (those that did not revert);
 * token records add ERC-20 transfers. A hash seen only in the internal or token list is a
 * transaction someone else sent: no fee for the owner.
 */
export function joinActivities(
  owner: string,
  native: AssetRef,
  tokenAsset: (record: TokenRecord) => AssetRef,
  page: IndexedPage,
): EvmActivity[] {
  const me = owner.toLowerCase();
  const byHash = new Map<string, EvmActivity>();
  const activity = (record: IndexedRecord) => {
    let found = byHash.get(record.hash);
    if (!found) {
      found = { hash: record.hash, timestamp: record.timestamp, failed: false, moves: [], approval: false };
      byHash.set(record.hash, found);
    }
    return found;
  };
  const seenNormal = new Set<string>();
  for (const record of page.normal) {
    if (seenNormal.has(record.hash)) continue; // a self-transfer may be listed twice
    seenNormal.add(record.hash);
    const entry = activity(record);
    entry.failed = record.failed;
    if (record.value > 0n && record.to)
      entry.moves.push({ asset: native, from: record.from, to: record.to, value: record.value });
    if (record.from === me) {
      entry.fee = record.fee;
      entry.approval = record.input.startsWith(APPROVE_SELECTOR);
    }
  }
  for (const record of page.internal) {
    if (record.failed || !record.to) continue;
    activity(record).moves.push({ asset: native, from: record.from, to: record.to, value: record.value });
  }
  for (const record of page.tokens)
    if (!record.nft)
      activity(record).moves.push({ asset: tokenAsset(record), from: record.from, to: record.to, value: record.value });
  return [...byHash.values()];
}
