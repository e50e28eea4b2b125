import { yieldToEventLoop } from '../../kernel/threads/module-worker.ts';
import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import { parseLegs, type StoredLegs } from '../ledger/stored-legs.ts';

export interface ChainHash {
  chain: string;
  hash: string;
}

type MatchedRow = Awaited<ReturnType<TransactionRepository['findByHashes']>>[number];

/**
 * Marks transfers between two of the person's own linked wallets: the same on-chain
 * transaction seen by two connections, value leaving one and arriving at the other, is an
 * internal transfer on both sides. Re-run for the hashes a sync touched or an unlink removed,
 * so marks appear and disappear with the connections.
 */
export class InternalTransfers {
  constructor(private readonly transactions: TransactionRepository) {}

  async rematch(userId: string, pairs: ChainHash[]): Promise<void> {
    const byChain = new Map<string, Set<string>>();
    for (const { chain, hash } of pairs) byChain.set(chain, (byChain.get(chain) ?? new Set()).add(hash));
    for (const [chain, hashes] of byChain) {
      const list = [...hashes];
      for (let i = 0; i < list.length; i += 500) {
        await this.matchChunk(userId, chain, list.slice(i, i + 500));
        // SQLite answers without I/O: a wallet's thousands of hashes must not hold up waiting requests.
        await yieldToEventLoop();
      }
    }
  }

  private async matchChunk(userId: string, chain: string, hashes: string[]): Promise<void> {
    const rows = await this.transactions.findByHashes(userId, chain, hashes);
    const groups = new Map<string, MatchedRow[]>();
    for (const row of rows) {
      const group = groups.get(row.tx_hash!);
      if (group) group.push(row);
      else groups.set(row.tx_hash!, [row]);
    }
    const mark: string[] = [];
    const unmark: string[] = [];
    for (const group of groups.values()) {
      const parsed = new Map<string, StoredLegs>();
      const legsOf = (row: MatchedRow) => {
        let legs = parsed.get(row.id);
        if (!legs) parsed.set(row.id, (legs = parseLegs(row.legs)));
        return legs;
      };
      // Both sides of an internal transfer are seen by two different connections: a hash only one
      // connection saw (every transaction of a single wallet) is none, and its legs are read only
      // to lift an old mark.
      const internal = new Set(group.map((r) => r.connection_id)).size > 1 && isInternal(group, legsOf);
      for (const row of group) {
        if (internal && !row.is_internal_transfer) mark.push(row.id);
        if (internal || !row.is_internal_transfer) continue;
        // A self-transfer inside one wallet (no legs, only the fee) keeps the source's mark.
        const legs = legsOf(row);
        if (legs.i.length + legs.o.length > 0) unmark.push(row.id);
      }
    }
    await this.transactions.setInternal(mark, true);
    await this.transactions.setInternal(unmark, false);
  }
}

/** Value left one connection and arrived at another. */
function isInternal(group: MatchedRow[], legsOf: (row: MatchedRow) => StoredLegs): boolean {
  const senders = new Set(group.filter((r) => legsOf(r).o.length > 0).map((r) => r.connection_id));
  const receivers = new Set(group.filter((r) => legsOf(r).i.length > 0).map((r) => r.connection_id));
  return [...senders].some((s) => [...receivers].some((r) => r !== s));
}
