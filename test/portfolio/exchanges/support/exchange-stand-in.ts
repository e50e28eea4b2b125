/**
 * What every exchange stand-in (a local HTTP server speaking one exchange's real wire format)
 * offers the tests: the account it serves, in exchange-neutral terms, and the faults it can
 * answer exactly as the exchange does. Amounts are decimal strings, times Unix ms.
 */
export interface ExchangeFixture {
  /** `wallet`: where the exchange keeps it (`spot` by default; `funding`, `earn`, … where it has several). */
  balances: Array<{ asset: string; free: string; used?: string; wallet?: string }>;
  trades: Array<{
    id: string;
    orderId?: string;
    base: string;
    quote: string;
    side: 'buy' | 'sell';
    /** In base units of the market: amount of base, price in quote, cost = amount × price. */
    amount: string;
    price: string;
    cost: string;
    fee: { asset: string; amount: string };
    timestamp: number;
  }>;
  deposits: Array<{
    id: string;
    asset: string;
    amount: string;
    network?: string;
    txid?: string;
    address?: string;
    timestamp: number;
    status: 'ok' | 'pending' | 'failed';
  }>;
  withdrawals: Array<{
    id: string;
    asset: string;
    amount: string;
    fee: string;
    network?: string;
    txid?: string;
    address?: string;
    timestamp: number;
    status: 'ok' | 'pending' | 'failed';
  }>;
  /** Staking rewards and interest, as the exchange's ledger (or its own endpoint) reports them. */
  rewards: Array<{ id: string; asset: string; amount: string; kind: 'staking' | 'interest'; timestamp: number }>;
  /** Conversions and dust sweeps (not order-book trades), where the exchange has them. */
  conversions: Array<{
    id: string;
    from: { asset: string; amount: string };
    to: { asset: string; amount: string };
    timestamp: number;
  }>;
  /**
   * What the exchange's currency list says about a currency beyond its code, where its API
   * carries it (absent: the code again, no contract).
   */
  currencies?: Record<string, { name?: string; contract?: string }>;
}

export interface ExchangeStandIn {
  providerId: string;
  /** The base URL for `EXCHANGE_API_URLS` (replaces the scheme and host of every API URL ccxt has). */
  url: string;
  /** A valid key for the account (read-only unless `permissions` says otherwise). */
  key: { api_key: string; secret_key: string; passphrase?: string };
  /** The account served; tests change it between syncs. */
  fixture: ExchangeFixture;
  /** What the exchange reports the key may do (where it reports permissions at all). */
  permissions: { trade: boolean; withdraw: boolean };
  /** From now on the key is unknown, answered as the exchange answers a deleted key. */
  revokeKey(): void;
  /** The next signed request is answered with the exchange's rate-limit error and its `Retry-After` (seconds). */
  rateLimitOnce(retryAfterSeconds: number): void;
  /** Every request served, in order (method, path without query, time). */
  requests: Array<{ method: string; path: string; at: number }>;
  close(): Promise<void>;
}

export function emptyFixture(): ExchangeFixture {
  return { balances: [], trades: [], deposits: [], withdrawals: [], rewards: [], conversions: [] };
}
