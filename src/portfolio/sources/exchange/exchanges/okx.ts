import type { Exchange } from 'ccxt';
import type { ExchangeDefinition, KeyPermissions } from '../exchange-definition.ts';
import { okxConversions, okxSavingsInterest, okxStakingRewards } from './okx-histories.ts';

/**
 * OKX (www.okx.com, API v5). Keys carry a passphrase. Balances live in two accounts: the trading
 * account (ccxt's default) and the funding account, where deposits, Convert and Earn payouts land.
 * OKX answers every history newest first, and `fills-history` keeps three months (older fills only
 * through the asynchronous archive, which is not read).
 */
export const okx: ExchangeDefinition = {
  providerId: 'okx',
  name: 'OKX',
  ccxtId: 'okx',
  passphrase: true,
  keyHelp: [
    'On okx.com open your profile menu, choose API keys and select Create V5 API key.',
    'Name the key, set a passphrase you will remember and leave the IP allowlist empty or add our addresses.',
    'Under permissions tick Read only and leave Trade and Withdraw unticked.',
    'Confirm, then paste the API key, the secret key and the passphrase here.',
  ],
  // Spot instruments suffice to name every balance and fill; the futures, swap and option lists
  // would cost five more public calls each time markets load.
  options: { fetchMarkets: { types: ['spot'] } },
  extraWallets: [{ type: 'funding' }],
  tradesPerMarket: false,
  pageLimit: 100,
  newestFirst: true,
  // The unified ledger reads trading-account bills, where rewards and conversions never appear;
  // the funding-account streams below read them instead.
  ledger: false,
  extraHistories: [okxStakingRewards, okxSavingsInterest, okxConversions],
  permissions: readOkxPermissions,
};

/** `GET /api/v5/account/config` reports the key's permissions as `perm`: "read_only,withdraw,trade". */
async function readOkxPermissions(exchange: Exchange): Promise<KeyPermissions | undefined> {
  const response = (await exchange.privateGetAccountConfig()) as { data?: Array<{ perm?: string }> };
  const perm = response.data?.[0]?.perm;
  if (perm === undefined) return undefined;
  const granted = new Set(perm.split(',').map((p) => p.trim()));
  return { canTrade: granted.has('trade'), canWithdraw: granted.has('withdraw') };
}
