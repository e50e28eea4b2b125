import type { Exchange, kucoin as KucoinClient } from 'ccxt';
import type { ExchangeDefinition, KeyPermissions } from '../exchange-definition.ts';
import { kucoinConversions, kucoinLedgerRewards } from './kucoin-histories.ts';

const DAY = 86_400_000;

/**
 * KuCoin (classic account with high-frequency spot trading, what every KuCoin account now has).
 * Keys carry a passphrase (sent HMAC-encrypted, key version 2). Spot funds sit in the trading
 * account, deposits and Earn payouts in the funding ("main") account. HF fills can only be read
 * per market and seven days at a time, newest first.
 */
export const kucoin: ExchangeDefinition = {
  providerId: 'kucoin',
  name: 'KuCoin',
  ccxtId: 'kucoin',
  passphrase: true,
  keyHelp: [
    'On kucoin.com open the account menu, choose API Management and select Create API.',
    'Pick API Trading, name the key and set an API passphrase you will remember.',
    'Tick only the General permission; leave Spot, Margin, Futures, Transfer and Withdrawal unticked.',
    'Leave the IP restriction off or add our addresses, finish the security check, then paste the key, secret and passphrase here.',
  ],
  // Spot markets name every balance and fill; the ticker list (fee rates) is not needed to read an account.
  options: { fetchMarkets: { types: ['spot'], fetchTickersFees: false } },
  extraWallets: [{ type: 'funding' }],
  tradesPerMarket: true,
  tradeWindowMs: 7 * DAY,
  // KuCoin documents no span limit for deposits and withdrawals; 30-day windows keep each answer
  // small and make ccxt switch between the V1 archive (before 2019-02-18) and today's endpoint
  // at a window edge instead of reading only the archive for a `since` that predates it.
  transferWindowMs: 30 * DAY,
  // HF fills answer at most 100 rows; deposits and ledgers allow 500.
  pageLimit: 100,
  newestFirst: true,
  // KuCoin opened in September 2017: earlier windows would all be empty calls.
  launchedAt: Date.UTC(2017, 8, 15),
  // ccxt raises a plain ExchangeError for KuCoin's rate-limit answer.
  rateLimitCodes: ['429000'],
  // ccxt's fetchLedger reads the HF trading account's ledger, where Earn payouts and conversions
  // never land; the streams below read the funding account instead.
  ledger: false,
  extraHistories: [kucoinLedgerRewards, kucoinConversions],
  permissions: readKucoinPermissions,
};

/** `GET /api/v1/user/api-key` lists the key's permissions: "General,Spot,Margin,Futures,Withdrawal…". */
async function readKucoinPermissions(exchange: Exchange): Promise<KeyPermissions | undefined> {
  const response = (await (exchange as KucoinClient).privateGetUserApiKey()) as { data?: { permission?: string } };
  const permission = response.data?.permission;
  if (permission === undefined) return undefined;
  const granted = new Set(permission.split(',').map((p) => p.trim()));
  return {
    canTrade: ['Spot', 'Margin', 'Futures'].some((p) => granted.has(p)),
    canWithdraw: granted.has('Withdrawal'),
  };
}
