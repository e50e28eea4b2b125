import type { Exchange, LedgerEntry } from 'ccxt';
import type { Category, NormalizedTransaction } from '../../ledger/normalized.ts';

/** What an API key may do, as the exchange reports it. */
export interface KeyPermissions {
  canTrade: boolean;
  canWithdraw: boolean;
}

/**
 * A history the unified ccxt calls miss (Binance's dividends and dust sweeps, say), read with
 * the exchange's own endpoints through ccxt's implicit API methods. `since` is the cursor of
 * this stream (ms, inclusive); answers the transactions found and the next `since`, or `done`.
 */
export interface ExtraHistory {
  /** Stable name, part of the sync cursor (`dividends`, `dust`). */
  name: string;
  /** The longest span one call may cover (ms); the engine walks windows of this size. */
  windowMs?: number;
  fetch(exchange: Exchange, since: number, until: number): Promise<NormalizedTransaction[]>;
}

/**
 * One exchange read through ccxt by API key. Everything specific to the exchange lives in its
 * definition file (exchanges/<id>.ts); the engine (exchange-source.ts) is shared.
 */
export interface ExchangeDefinition {
  /** Provider id in the catalogue and in `crypto_sources` (`binance`). */
  providerId: string;
  name: string;
  /** The ccxt class (`binance`, `coinbase`, `kraken`, `okx`, `bybit`, `kucoin`, `gemini`, `bitstamp`). */
  ccxtId: string;
  /** OKX and KuCoin keys come with a passphrase (ccxt's `password`). */
  passphrase: boolean;
  /** The widget's steps for creating a read-only key, one sentence each. */
  keyHelp: string[];
  /** Extra ccxt constructor options. */
  options?: Record<string, unknown>;
  /** fetchBalance params of each wallet read besides the default one (`[{type: 'funding'}]`). */
  extraWallets?: Array<Record<string, unknown>>;
  /** fetchMyTrades needs a symbol: trades are read market by market (markets from balances, transfers and the ledger). */
  tradesPerMarket: boolean;
  /** Longest span one trades call may cover (ms), if the exchange limits it. */
  tradeWindowMs?: number;
  /** Longest span one deposits or withdrawals call may cover (ms): Binance allows 90 days. */
  transferWindowMs?: number;
  /**
   * The exchange answers history newest first (OKX, KuCoin): a full page is followed by the
   * same span's older part (`until` = the page's oldest record − 1), not by a later `since`.
   */
  newestFirst?: boolean | Array<'transfers' | 'trades' | 'ledger'>;
  /**
   * A short page does not mean the end (Gemini: ccxt asks by the second, then drops records older
   * than `since` in ms): the stream is read until an empty page.
   */
  pageUntilEmpty?: boolean;
  /**
   * How deposits and withdrawals are read: `separate` calls (the default), one `combined` call
   * (ccxt's fetchDepositsWithdrawals; Gemini), `withdrawals` only (Bitstamp: deposits come from
   * an extra history), or `none` (Coinbase: an extra history reads them all).
   */
  transfers?: 'separate' | 'combined' | 'withdrawals' | 'none';
  /**
   * The fetchMyTrades param that pages by offset from the newest trade (Kraken's `ofs`,
   * Bitstamp's `offset`): a pass reads from a fixed `since`, `pageLimit` more at a time.
   */
  tradeOffsetParam?: string;
  /** ccxt `exceptions` merged into the exchange's own (error texts ccxt does not classify). */
  exceptions?: CcxtExceptions;
  /** The currency a balance code stands for (Kraken's staked `DOT.S` is DOT). */
  balanceCurrency?(code: string): string;
  /** The exchange's first day (Unix ms): no history is asked for before it. */
  launchedAt?: number;
  /** Error codes in a response body that mean "rate limited" where ccxt does not classify them (KuCoin's 429000). */
  rateLimitCodes?: string[];
  /**
   * The exchange's limit is a budget per fixed window (Binance: request weight per minute), not a
   * steady rate: ccxt's costs are paced with its rolling-window limiter over `windowMs` instead of
   * its leaky bucket, using `share` of the budget those costs describe (the rest is a margin for
   * requests whose transit time moves them into the next window), one budget for every client of
   * the exchange and endpoint in this process (the exchange counts per IP address).
   */
  budgetWindow?: { windowMs: number; share: number };
  /**
   * Error codes in a response body that mean "this key no longer works" whatever class ccxt
   * gives them (Binance's -2015 becomes DDoSProtection once a private call has succeeded).
   */
  authErrorCodes?: string[];
  /** Records per history call (the exchange's maximum page size). */
  pageLimit: number;
  /** The ledger is read (rewards, interest, conversions the other calls miss). */
  ledger: boolean;
  /** Extra fetchMyTrades / fetchDeposits / fetchLedger params (e.g. an account type). */
  historyParams?: Record<string, unknown>;
  /** Histories only the exchange's own endpoints give. */
  extraHistories?: ExtraHistory[];
  /**
   * The category of a ledger entry whose ccxt `type` alone does not say (the raw type is in
   * `entry.info`); `skip` for entries the other calls already report. Undefined: the engine's rule
   * (trade, transaction, fee and transfer entries skipped; reward, interest, staking, cashback,
   * rebate, referral and airdrop kept; entries sharing a reference id with value in and out are a
   * conversion, i.e. a trade).
   */
  classifyLedger?(entry: LedgerEntry): Category | 'skip' | undefined;
  /** The key's permissions, where the exchange reports them; undefined when it cannot tell. */
  permissions?(exchange: Exchange): Promise<KeyPermissions | undefined>;
}

/**
 * Error texts mapped to the name of the ccxt error class they mean (`AuthenticationError`, …),
 * by exact text or by a part of it, as ccxt's own `exceptions`. Names rather than the classes:
 * importing ccxt's classes here would load all of ccxt (about 80 MB) when the catalogue loads.
 */
export interface CcxtExceptions {
  exact?: Record<string, CcxtErrorName>;
  broad?: Record<string, CcxtErrorName>;
}
export type CcxtErrorName = (keyof typeof import('ccxt') & `${string}Error`) | 'InvalidNonce' | 'RateLimitExceeded';
