import type { CcxtExceptions, ExchangeDefinition } from '../exchange-definition.ts';
import { krakenLedgerHistory } from './kraken-ledger.ts';
import { krakenSymbol } from './kraken-ledger-entries.ts';

/** ccxt leaves Kraken's invalid-signature answer unclassified: it is a refused key. */
export const krakenExceptions: CcxtExceptions = { exact: { 'EAPI:Invalid signature': 'AuthenticationError' } };

/**
 * Kraken (api.kraken.com/0). Its ledger is the authoritative history and is read with Kraken's
 * own offset paging (see kraken-ledger.ts), not through fetchLedger: Kraken answers the newest 50
 * entries after `start`, so paging forward by `since` would skip all but the newest page.
 * Kraken's API reports nothing about a key's own permissions, so `permissions` is left out.
 */
export const kraken: ExchangeDefinition = {
  providerId: 'kraken',
  name: 'Kraken',
  ccxtId: 'kraken',
  passphrase: false,
  keyHelp: [
    'Sign in at kraken.com, open Settings → Connections & API and choose "Create API key".',
    'Under Funds permissions tick only "Query"; under Orders and trades tick only "Query open orders & trades" and "Query closed orders & trades"; under Data tick "Query ledger entries".',
    'Leave "Deposit", "Withdraw", "Create & modify orders" and "Cancel & close orders" unticked, so the key can neither trade nor move funds.',
    'Generate the key and paste the API key and the private key here; Kraken shows the private key only once.',
  ],
  // BalanceEx already lists staked and Earn balances (DOT.S, XBT.F, …) beside the spot ones.
  tradesPerMarket: false,
  tradeOffsetParam: 'ofs',
  // DepositStatus and WithdrawStatus answer their newest records only: older ones by `until`.
  newestFirst: true,
  exceptions: krakenExceptions,
  balanceCurrency: krakenSymbol,
  // TradesHistory and Ledgers answer 50 records a call, whatever is asked.
  pageLimit: 50,
  ledger: false,
  extraHistories: [krakenLedgerHistory],
};

/**
 * ccxt 4.5 maps Kraken's `EAPI:Invalid signature` (a wrong or mistyped private key) to a plain
 * ExchangeError; with this passed as the constructor's `exceptions` it is an AuthenticationError,
 * like `EAPI:Invalid key`. The definition interface has no field for it yet.
 */
