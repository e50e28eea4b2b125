import { deriveBip84Address, parseExtendedPublicKey } from '../../addresses/bitcoin-keys.ts';
import { SourceError } from '../../errors.ts';
import type { BalanceItem } from '../../ledger/normalized.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { BITCOIN, normalizeBitcoinTransaction } from './bitcoin-normalize.ts';
import { EsploraClient, type EsploraAddress, type EsploraTx } from './esplora-client.ts';

export interface BitcoinSourceOptions {
  baseUrl: string;
  address: string;
  kind: 'address' | 'xpub';
  gapLimit: number;
  timeoutMs: number;
  now?: () => number;
  fetch?: typeof fetch;
}

/** Blocks below the last synced height that are read again, in case of a reorganisation. */
const REORG_MARGIN = 6;

/**
 * A Bitcoin address or BIP84 account (xpub/zpub) through Esplora. An account is scanned on its
 * receive (0/i) and change (1/i) chains until `gapLimit` unused addresses in a row; the cursor
 * is the chain height already read, so a sync fetches only newer pages (plus a small margin).
 */
export function bitcoinSource(options: BitcoinSourceOptions): SourceAdapter {
  const esplora = new EsploraClient(options.baseUrl, options.timeoutMs, options.fetch);
  const now = options.now ?? Date.now;
  let scanned: Map<string, EsploraAddress> | undefined;

  /** Every own address with its stats: the one address, or the account's derived addresses up to the gap. */
  async function discover(): Promise<Map<string, EsploraAddress>> {
    if (scanned) return scanned;
    const found = new Map<string, EsploraAddress>();
    if (options.kind === 'address') {
      found.set(options.address, await esplora.address(options.address));
      return (scanned = found);
    }
    const account = parseExtendedPublicKey(options.address);
    if (!account) throw new SourceError('invalid', 'the stored extended public key no longer parses');
    for (const chain of [0, 1] as const) {
      let unused = 0;
      for (let index = 0; unused < options.gapLimit; index++) {
        const address = deriveBip84Address(account, chain, index);
        const stats = await esplora.address(address);
        found.set(address, stats);
        unused = stats.chain_stats.tx_count + stats.mempool_stats.tx_count > 0 ? 0 : unused + 1;
      }
    }
    return (scanned = found);
  }

  return {
    async validate() {
      await esplora.tipHeight();
    },

    async fetchTransactions(cursor): Promise<TransactionBatch> {
      const since = cursor ? (JSON.parse(cursor) as { height: number }).height - REORG_MARGIN : -1;
      const tip = await esplora.tipHeight();
      const addresses = await discover();
      const own = new Set(addresses.keys());
      const txs = new Map<string, EsploraTx>();
      for (const [address, stats] of addresses) {
        if (stats.chain_stats.tx_count + stats.mempool_stats.tx_count === 0) continue;
        for (const tx of await esplora.mempoolTxs(address)) txs.set(tx.txid, tx);
        let lastSeen: string | undefined;
        for (;;) {
          const page = await esplora.chainTxs(address, lastSeen);
          for (const tx of page) if ((tx.status.block_height ?? Infinity) > since) txs.set(tx.txid, tx);
          const last = page[page.length - 1];
          if (page.length < 25 || !last || (last.status.block_height ?? Infinity) <= since) break;
          lastSeen = last.txid;
        }
      }
      const items = [...txs.values()].map((tx) => normalizeBitcoinTransaction(tx, own, now()));
      return { items, nextCursor: JSON.stringify({ height: tip }), done: true };
    },

    async fetchBalances(): Promise<BalanceItem[]> {
      const addresses = await discover();
      let total = 0n;
      for (const stats of addresses.values()) {
        for (const s of [stats.chain_stats, stats.mempool_stats])
          total += BigInt(s.funded_txo_sum) - BigInt(s.spent_txo_sum);
      }
      return total > 0n ? [{ asset: BITCOIN, quantity: total }] : [];
    },
  };
}
