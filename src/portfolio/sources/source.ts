import type { AssetHints } from '../assets/asset-hints.ts';
import type { BalanceItem, NormalizedTransaction } from '../ledger/normalized.ts';

export interface TransactionBatch {
  items: NormalizedTransaction[];
  /** Saved with the batch: the next sync (or the resumed one) continues from here. */
  nextCursor: string | null;
  /** True when the source has nothing newer right now. */
  done: boolean;
}

/**
 * A provider seen through one connection. Errors are SourceError: `auth` (credentials no longer
 * work: needs_reauth), `unavailable` (retried with backoff), `invalid`.
 */
export interface SourceAdapter {
  /** Checks the connection works (reachable, right chain, credentials accepted). */
  validate(): Promise<void>;
  /** Balances are read before the history (an exchange: they show within seconds of linking). */
  balancesFirst?: boolean;
  /** Balances now; `undefined` when the source has none and balances follow from the history (CSV). */
  /**
   * `cursor`: the connection's saved history cursor (an EVM wallet reads the balances of every
   * token it lists, not only those on the indexer's newest page); sources that need none ignore it.
   */
  fetchBalances(cursor?: string | null): Promise<BalanceItem[] | undefined>;
  fetchTransactions(cursor: string | null): Promise<TransactionBatch>;
  /**
   * What the provider says about the assets it names by symbol (an exchange's currency names and
   * contracts), so that they can be mapped to price-source coins; asked after a successful sync.
   */
  assetHints?(): Promise<AssetHints>;
  /** Lets go of what the adapter holds (a worker thread); called once the sync is over. */
  close?(): Promise<void>;
}
