import type { bybit as BybitExchange } from 'ccxt';
import type { ExchangeDefinition, KeyPermissions } from '../exchange-definition.ts';
import { bybitHistories } from './bybit-histories.ts';

const DAY = 86_400_000;

/** Permission groups that let a key place orders or swap coins (Exchange = Convert). */
const TRADING_GROUPS = ['ContractTrade', 'Spot', 'Options', 'Derivatives', 'CopyTrading', 'BlockTrade', 'Exchange'];

/**
 * Bybit (v5 API, unified trading account). Its history endpoints answer newest first within a
 * time window, so `since` alone cannot page them: ccxt walks Bybit's cursor (`paginate`) through
 * the whole window and hands back its oldest `limit` records, newest first. The transaction log is
 * not read: without `endTime` it covers only 24 hours after `startTime`, and spot trades, deposits
 * and withdrawals already come from their own calls.
 */
export const bybit: ExchangeDefinition = {
  providerId: 'bybit',
  name: 'Bybit',
  ccxtId: 'bybit',
  passphrase: false,
  keyHelp: [
    'In Bybit, open your profile menu, choose API, then Create New Key and pick System-generated API Keys.',
    'Select "Connect to Third-Party Applications" or "API Transaction" and set the permissions to Read-Only.',
    'Tick the read permissions for Unified Trading, Assets (Wallet, Exchange) and Earn; leave Withdrawal unticked.',
    'Confirm with your 2FA code, then copy the API key and the secret (Bybit shows the secret only once).',
  ],
  options: {
    defaultType: 'spot',
    // Only spot markets: linear, inverse and option instruments would cost 3 + 6 paged requests.
    fetchMarkets: { types: ['spot'] },
  },
  extraWallets: [{ type: 'funding' }],
  tradesPerMarket: false,
  tradeWindowMs: 7 * DAY,
  transferWindowMs: 30 * DAY,
  // One paginated call reads Bybit pages of 100 (trades) or 50 (transfers) until the window is
  // exhausted; `limit` only trims what it returns, so a large one saves re-walking the window.
  pageLimit: 1000,
  ledger: false,
  // Up to 1000 cursor pages a window; an error surfaces at once instead of being retried three
  // times by ccxt's paginator.
  historyParams: { paginate: true, paginationCalls: 1000, maxRetries: 0 },
  extraHistories: bybitHistories,
  async permissions(exchange): Promise<KeyPermissions> {
    const response = await (exchange as BybitExchange).privateGetV5UserQueryApi();
    const result = (response['result'] ?? {}) as { readOnly?: number; permissions?: Record<string, string[]> };
    // A read-only key can do neither, whatever groups are ticked.
    if (Number(result.readOnly) === 1) return { canTrade: false, canWithdraw: false };
    const groups = result.permissions ?? {};
    return {
      canTrade: TRADING_GROUPS.some((group) => (groups[group] ?? []).some((p) => p !== 'ExchangeHistory')),
      canWithdraw: (groups['Wallet'] ?? []).includes('Withdraw'),
    };
  },
};
