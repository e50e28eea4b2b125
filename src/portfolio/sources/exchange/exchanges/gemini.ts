import type { gemini as GeminiExchange } from 'ccxt';
import type { ExchangeDefinition, KeyPermissions } from '../exchange-definition.ts';

/**
 * Gemini. Trades are read market by market (`/v1/mytrades` needs a symbol); deposits and
 * withdrawals come together from `/v1/transfers`, which ccxt exposes only as
 * fetchDepositsWithdrawals. Both answer, from `timestamp` on, the oldest records first-in-time but
 * listed newest first, so the next page starts after the latest timestamp of the last one.
 */
export const gemini: ExchangeDefinition = {
  providerId: 'gemini',
  name: 'Gemini',
  ccxtId: 'gemini',
  passphrase: false,
  keyHelp: [
    'In Gemini, open Settings, then API, and choose Create API key.',
    'Pick the account-level scope for your main account, not a master key (master keys are not supported).',
    'Give the key the Auditor role only: it can read balances and history but cannot trade or move funds.',
    'Leave "Uses a time based nonce" unticked, create the key, then copy the API key and the secret.',
  ],
  options: {
    // ccxt would otherwise scrape exchange.gemini.com's HTML for currency data on every load:
    // markets come from /v1/symbols alone, their base and quote from the known quote suffixes.
    fetchCurrencies: { webApiEnable: false },
  },
  tradesPerMarket: true,
  transfers: 'combined',
  pageUntilEmpty: true,
  // /v1/transfers returns at most 50 a call (/v1/mytrades 500); one limit serves both.
  pageLimit: 50,
  ledger: false,
  async permissions(exchange): Promise<KeyPermissions> {
    const roles = await (exchange as GeminiExchange).privatePostV1Roles();
    // Auditor keys are read-only; Trader keys can trade, Fund Manager keys can withdraw.
    return { canTrade: roles['isTrader'] === true, canWithdraw: roles['isFundManager'] === true };
  },
};
