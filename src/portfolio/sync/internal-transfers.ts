import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import { parseLegs } from '../ledger/stored-legs.ts';

export interface ChainHash {
  chain: string;
  hash: string;
}

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
      for (let i = 0; i < list.length; i += 500) await this.matchChunk(userId, chain, list.slice(i, i + 500));
    }
  }

  private async matchChunk(userId: string, chain: string, hashes: string[]): Promise<void> {
    const rows = await this.transactions.findByHashes(userId, chain, hashes);
    const groups = new Map<string, typeof rows>();
    for (const row of rows) groups.set(row.tx_hash!, [...(groups.get(row.tx_hash!) ?? []), row]);
    const mark: string[] = [];
    const unmark: string[] = [];
    for (const group of groups.values()) {
      const senders = new Set(group.filter((r) => parseLegs(r.legs).o.length > 0).map((r) => r.connection_id));
      const receivers = new Set(group.filter((r) => parseLegs(r.legs).i.length > 0).map((r) => r.connection_id));
      const internal = [...senders].some((s) => [...receivers].some((r) => r !== s));
      for (const row of group) {
        if (internal && !row.is_internal_transfer) mark.push(row.id);
        // A self-transfer inside one wallet (no legs, only the fee) keeps the source's mark.
        const legs = parseLegs(row.legs);
        if (!internal && row.is_internal_transfer && legs.i.length + legs.o.length > 0) unmark.push(row.id);
      }
    }
    await this.transactions.setInternal(mark, true);
    await this.transactions.setInternal(unmark, false);
  }
}
