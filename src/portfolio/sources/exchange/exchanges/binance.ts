import type { Exchange } from 'ccxt';
import type { ExchangeDefinition, KeyPermissions } from '../exchange-definition.ts';
import { dividendHistory, dustHistory } from './binance-histories.ts';

const DAY = 86_400_000;

interface ApiRestrictions {
  enableSpotAndMarginTrading?: boolean;
  enableMargin?: boolean;
  enableFutures?: boolean;
  enableVanillaOptions?: boolean;
  enablePortfolioMarginTrading?: boolean;
  enableFixApiTrade?: boolean;
  enableWithdrawals?: boolean;
  enableInternalTransfer?: boolean;
}

/**
 * What `GET /sapi/v1/account/apiRestrictions` says the key may do. Margin loans, futures and
 * options count as trading; internal transfers (to another Binance account) as withdrawing.
 */
async function readApiRestrictions(exchange: Exchange): Promise<KeyPermissions> {
  const implicit = exchange as unknown as { sapiGetAccountApiRestrictions(): Promise<ApiRestrictions> };
  const r = await implicit.sapiGetAccountApiRestrictions();
  return {
    canTrade: Boolean(
      r.enableSpotAndMarginTrading ||
      r.enableMargin ||
      r.enableFutures ||
      r.enableVanillaOptions ||
      r.enablePortfolioMarginTrading ||
      r.enableFixApiTrade,
    ),
    canWithdraw: Boolean(r.enableWithdrawals || r.enableInternalTransfer),
  };
}

/**
 * Binance spot. Markets: spot only (ccxt would also load USDⓈ-M and COIN-M futures and margin
 * pairs). Trades are read per symbol (`api/v3/myTrades` requires one); deposits and withdrawals
 * in windows of 90 days (`sapi/v1/capital/*`); dividends and dust sweeps from their own
 * endpoints. Simple Earn is not read: ccxt's `fetchBalance({type: 'savings'})` still calls the
 * retired `lending/union/account`.
 */
export const binance: ExchangeDefinition = {
  providerId: 'binance',
  name: 'Binance',
  ccxtId: 'binance',
  passphrase: false,
  keyHelp: [
    'Sign in to Binance, open the profile menu and choose API Management, then Create API with a system-generated (HMAC) key.',
    'Name it (for example Consentry), complete the security verification and copy the API Key and Secret Key; the secret is shown only once.',
    'Under API restrictions keep only Enable Reading ticked: leave Enable Spot & Margin Trading, Enable Withdrawals, Enable Margin Loan, Repay & Transfer, Enable Futures and Permits Universal Transfer unticked.',
    'A read-only key may keep unrestricted IP access; paste the API Key and Secret Key here.',
  ],
  options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false },
  extraWallets: [{ type: 'funding' }],
  tradesPerMarket: true,
  transferWindowMs: 90 * DAY,
  // Deposits and withdrawals come newest first within a window; trades oldest first from startTime.
  newestFirst: ['transfers'],
  // Binance opened in July 2017.
  launchedAt: Date.UTC(2017, 6, 14),
  // -2015 (key, IP or permissions refused) turns into DDoSProtection in ccxt after a successful call.
  authErrorCodes: ['-2015', '-2014', '-1022'],
  pageLimit: 1000,
  // Binance counts request weight per calendar minute (6,000 on /api/*, as ccxt's costs assume):
  // spend it as fast as the calls go, keeping 2% for transit-time jitter at the minute's edges.
  budgetWindow: { windowMs: 60_000, share: 0.98 },
  ledger: false,
  extraHistories: [dividendHistory, dustHistory],
  permissions: readApiRestrictions,
};
