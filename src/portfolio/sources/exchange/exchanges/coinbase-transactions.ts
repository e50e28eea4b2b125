import type { Exchange } from 'ccxt';
import type { NormalizedTransaction } from '../../../ledger/normalized.ts';
import type { ExtraHistory } from '../exchange-definition.ts';
import { asObject, readObject, readString, type Json } from '../oauth/coinbase-v2-json.ts';
import { coinbaseV2Transaction, mergeCoinbaseV2Halves } from '../oauth/coinbase-v2.ts';

/** The v2 endpoints this history calls, as ccxt's implicit API names them. */
interface CoinbaseV2Api {
  v2PrivateGetAccounts(params: Record<string, unknown>): Promise<unknown>;
  v2PrivateGetAccountsAccountIdTransactions(params: Record<string, unknown>): Promise<unknown>;
}

/** Coinbase's v2 pages hold at most 100 records. */
const V2_PAGE = 100;

/**
 * Coinbase's v2 transactions of every account: crypto sends in and out (with hash and network
 * fee), fiat deposits and withdrawals, simple buys and sells, conversions, staking rewards and
 * interest. ccxt's fetchDeposits/fetchWithdrawals/fetchLedger read the same endpoints but need an
 * account per call and only filter `since` on the client, so this walks every account itself,
 * newest first (Coinbase's only order that pages reliably), until it passes `since`.
 * Advanced Trade fills are left to fetchMyTrades, which reports them with price and commission.
 */
export const coinbaseTransactions: ExtraHistory = {
  name: 'transactions',
  async fetch(exchange, since, until) {
    const api = exchange as unknown as CoinbaseV2Api & Exchange;
    const found: NormalizedTransaction[] = [];
    for (const account of await readAccounts(api)) {
      // An account untouched since the cursor has nothing new; the first sync reads them all.
      const updated = Date.parse(readString(account, 'updated_at') ?? '');
      if (since > 0 && !Number.isNaN(updated) && updated < since) continue;
      for (const tx of await readTransactions(api, readString(account, 'id')!, since)) {
        const time = Date.parse(readString(tx, 'created_at') ?? '');
        if (time < since || time > until || readString(tx, 'type') === 'advanced_trade_fill') continue;
        const mapped = coinbaseV2Transaction(account, tx);
        if (mapped) found.push(mapped);
      }
    }
    return mergeCoinbaseV2Halves(found)
      .map((tx) => ({ ...tx, externalId: `transactions:${tx.externalId}` }))
      .sort((a, b) => a.timestamp - b.timestamp);
  },
};

async function readAccounts(api: CoinbaseV2Api): Promise<Json[]> {
  const accounts: Json[] = [];
  let after: string | undefined;
  do {
    const page = asObject(
      await api.v2PrivateGetAccounts({ limit: V2_PAGE, ...(after ? { starting_after: after } : {}) }),
    );
    accounts.push(...listOf(page).filter((account) => readString(account, 'id')));
    after = readString(readObject(page, 'pagination'), 'next_starting_after');
  } while (after);
  return accounts;
}

/** Newest first; stops at the first page reaching back past `since`. `expand=all` gives buys and sells their other side and fee. */
async function readTransactions(api: CoinbaseV2Api, accountId: string, since: number): Promise<Json[]> {
  const transactions: Json[] = [];
  let after: string | undefined;
  do {
    const page = asObject(
      await api.v2PrivateGetAccountsAccountIdTransactions({
        account_id: accountId,
        limit: V2_PAGE,
        expand: 'all',
        ...(after ? { starting_after: after } : {}),
      }),
    );
    const data = listOf(page);
    transactions.push(...data);
    const oldest = Date.parse(readString(data.at(-1), 'created_at') ?? '');
    after = oldest < since ? undefined : readString(readObject(page, 'pagination'), 'next_starting_after');
  } while (after);
  return transactions;
}

function listOf(page: Json | undefined): Json[] {
  const data = page?.['data'];
  return Array.isArray(data) ? data.map(asObject).filter((item): item is Json => item !== undefined) : [];
}
