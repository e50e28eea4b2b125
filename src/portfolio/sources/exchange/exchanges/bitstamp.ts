import type { CcxtExceptions, ExchangeDefinition } from '../exchange-definition.ts';
import { bitstampUserTransactions } from './bitstamp-history.ts';

/**
 * Bitstamp answers these with `status: error`, which ccxt 4.5 turns into a plain ExchangeError;
 * passed as the constructor's `exceptions`, they become the classes that say what happened.
 */
export const bitstampExceptions: CcxtExceptions = {
  exact: {
    'X-Auth-Timestamp header is out of boundaries': 'InvalidNonce',
    'Request rejected due to exceeded rate limit.': 'RateLimitExceeded',
  },
};

/**
 * Bitstamp (www.bitstamp.net/api/v2). ccxt has no fetchDeposits here and its fetchLedger cannot
 * tell the currency of a row under 1 unit, so deposits and rewards come from user_transactions
 * read directly (bitstamp-history.ts); withdrawals from fetchWithdrawals (withdrawal-requests),
 * trades from fetchMyTrades. Bitstamp's API reports nothing about a key's own permissions.
 */
export const bitstamp: ExchangeDefinition = {
  providerId: 'bitstamp',
  name: 'Bitstamp',
  ccxtId: 'bitstamp',
  passphrase: false,
  keyHelp: [
    'Sign in at bitstamp.net, open Settings → API access and choose "New API key".',
    'Tick only "Account balance", "User transactions" and "Withdrawal requests"; leave every order, withdrawal, transfer and deposit-address permission unticked.',
    'Save the key, then activate it with the link Bitstamp emails you; the key does not work before that.',
    'Paste the API key and the secret here; Bitstamp shows the secret only once.',
  ],
  tradesPerMarket: false,
  // Deposits come from user_transactions (the extra history); ccxt has no fetchDeposits here.
  transfers: 'withdrawals',
  tradeOffsetParam: 'offset',
  // user_transactions answers at most 1000 rows a call.
  pageLimit: 1000,
  ledger: false,
  extraHistories: [bitstampUserTransactions],
  exceptions: bitstampExceptions,
};
