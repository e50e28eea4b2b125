import type { ExchangeDefinition } from '../exchange-definition.ts';
import { coinbaseTransactions } from './coinbase-transactions.ts';

interface KeyPermissionsApi {
  v3PrivateGetBrokerageKeyPermissions(): Promise<Record<string, unknown>>;
}

/**
 * Coinbase (Advanced Trade API v3 plus the v2 wallet API) with a CDP API key: the key name
 * (`organizations/…/apiKeys/…`) and its EC private key (PEM) or Ed25519 secret; ccxt signs each
 * request with a two-minute JWT.
 */
export const coinbase: ExchangeDefinition = {
  providerId: 'coinbase',
  name: 'Coinbase',
  ccxtId: 'coinbase',
  passphrase: false,
  keyHelp: [
    'Sign in to Coinbase and open Settings → API (or the Coinbase Developer Platform at portal.cdp.coinbase.com → API keys), then choose Create API key.',
    'Pick the portfolio to share and, under API restrictions, tick View only — leave Trade and Transfer unticked so the key can neither trade nor move funds.',
    'Keep the default signature algorithm (Ed25519) or choose ECDSA under Advanced settings; both work.',
    'Copy the API key name (organizations/…/apiKeys/…) into API key and the private key — the whole block, BEGIN and END lines included — into Secret.',
  ],
  // Balances from the Advanced Trade accounts (available + hold per wallet), not the v2 list.
  options: { fetchBalance: 'v3PrivateGetBrokerageAccounts' },
  tradesPerMarket: false,
  // Deposits, withdrawals and the rest come from the v2 transactions (the extra history):
  // ccxt's unified calls need one currency at a time there.
  transfers: 'none',
  pageLimit: 250,
  // Fills come newest first behind an opaque cursor, so one call with `since` alone returns the
  // newest page: ccxt walks the cursor back to `since` (up to 1000 × 250 fills) and answers oldest first.
  historyParams: { paginate: true, paginationCalls: 1000 },
  ledger: false,
  extraHistories: [coinbaseTransactions],
  async permissions(exchange) {
    const answer = await (exchange as unknown as KeyPermissionsApi).v3PrivateGetBrokerageKeyPermissions();
    return { canTrade: answer['can_trade'] === true, canWithdraw: answer['can_transfer'] === true };
  },
};
