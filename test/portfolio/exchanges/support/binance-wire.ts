import type { ExchangeFixture } from './exchange-stand-in.ts';

/**
 * The exchange-neutral fixture in Binance's own JSON, one function per response shape, as the
 * spot and SAPI docs show them (developers.binance.com). Binance sends quantities and prices of
 * trades and balances with at least 8 decimals, numeric ids as numbers, and withdrawal times as
 * `YYYY-MM-DD HH:mm:ss` UTC strings (second precision).
 */

type Trade = ExchangeFixture['trades'][number];
type Deposit = ExchangeFixture['deposits'][number];
type Withdrawal = ExchangeFixture['withdrawals'][number];
type Reward = ExchangeFixture['rewards'][number];
type Conversion = ExchangeFixture['conversions'][number];

/** Markets every account sees besides the ones its trades use. */
export const DEFAULT_MARKETS: Array<[string, string]> = [
  ['BTC', 'USDT'],
  ['ETH', 'USDT'],
  ['ETH', 'BTC'],
  ['BNB', 'USDT'],
  ['BNB', 'BTC'],
  ['SOL', 'USDT'],
];

const DEFAULT_NETWORK: Record<string, string> = {
  BTC: 'BTC',
  ETH: 'ETH',
  BNB: 'BSC',
  SOL: 'SOL',
  USDT: 'ETH',
  USDC: 'ETH',
};
const FIAT = new Set(['EUR', 'USD', 'GBP', 'TRY', 'BRL']);

/** The network id Binance reports for an asset when the fixture names none. */
export function defaultNetwork(asset: string): string {
  return DEFAULT_NETWORK[asset] ?? asset;
}

/** `"0.5"` → `"0.50000000"`: at least 8 decimals, never fewer digits than given. */
export function pad8(decimal: string): string {
  const [whole, fraction = ''] = decimal.split('.');
  return `${whole}.${fraction.padEnd(8, '0')}`;
}

/** Binance's numeric ids travel as JSON numbers; other fixture ids stay strings. */
export function wireId(id: string): number | string {
  return /^\d{1,15}$/.test(id) ? Number(id) : id;
}

/** `2021-04-15 12:09:16`, the UTC format of withdrawal `applyTime`. */
export function binanceDateTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function symbolEntry(base: string, quote: string): Record<string, unknown> {
  return {
    symbol: base + quote,
    status: 'TRADING',
    baseAsset: base,
    baseAssetPrecision: 8,
    quoteAsset: quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: '0.00000001', maxPrice: '1000000.00000000', tickSize: '0.00000001' },
      { filterType: 'LOT_SIZE', minQty: '0.00000001', maxQty: '9000000.00000000', stepSize: '0.00000001' },
      { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000' },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfo(markets: Array<[string, string]>, serverTime: number, weightLimit: number): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: weightLimit },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: markets.map(([base, quote]) => symbolEntry(base, quote)),
  };
}

/** One `sapi/v1/capital/config/getall` entry: the coin and the networks it moves on. */
export function coinConfig(coin: string, networks: string[]): unknown {
  return {
    coin,
    depositAllEnable: true,
    withdrawAllEnable: true,
    name: coin,
    free: '0',
    locked: '0',
    freeze: '0',
    withdrawing: '0',
    ipoing: '0',
    ipoable: '0',
    storage: '0',
    isLegalMoney: FIAT.has(coin),
    trading: true,
    networkList: networks.map((network, index) => ({
      network,
      coin,
      withdrawIntegerMultiple: '0.00000001',
      isDefault: index === 0,
      depositEnable: true,
      withdrawEnable: true,
      depositDesc: '',
      withdrawDesc: '',
      specialTips: '',
      specialWithdrawTips: '',
      name: network,
      resetAddressStatus: false,
      addressRegex: '',
      memoRegex: '',
      withdrawFee: '0.0001',
      withdrawMin: '0.001',
      withdrawMax: '9999999999.99999999',
      minConfirm: 12,
      unLockConfirm: 0,
      sameAddress: false,
      estimatedArrivalTime: 5,
      busy: false,
    })),
  };
}

/** `GET /api/v3/account`: account-level flags (not the key's), the spot wallet. */
export function spotAccount(balances: ExchangeFixture['balances'], updateTime: number): unknown {
  return {
    makerCommission: 10,
    takerCommission: 10,
    buyerCommission: 0,
    sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    brokered: false,
    requireSelfTradePrevention: false,
    preventSor: false,
    updateTime,
    accountType: 'SPOT',
    balances: balances.map((b) => ({ asset: b.asset, free: pad8(b.free), locked: pad8(b.used ?? '0') })),
    permissions: ['SPOT'],
    uid: 354937868,
  };
}

/** `POST /sapi/v1/asset/get-funding-asset`. */
export function fundingAssets(balances: ExchangeFixture['balances']): unknown {
  return balances.map((b) => ({
    asset: b.asset,
    free: pad8(b.free),
    locked: pad8(b.used ?? '0'),
    freeze: '0',
    withdrawing: '0',
    btcValuation: '0',
  }));
}

export function apiRestrictions(permissions: { trade: boolean; withdraw: boolean }, createTime: number): unknown {
  return {
    // Binance only lets a key withdraw once it is bound to trusted IPs.
    ipRestrict: permissions.withdraw,
    createTime,
    enableReading: true,
    enableWithdrawals: permissions.withdraw,
    enableInternalTransfer: false,
    enableMargin: false,
    enableFutures: false,
    permitsUniversalTransfer: false,
    enableVanillaOptions: false,
    enableFixApiTrade: false,
    enableFixReadOnly: false,
    enableSpotAndMarginTrading: permissions.trade,
    enablePortfolioMarginTrading: false,
  };
}

export function myTrade(trade: Trade): unknown {
  return {
    symbol: trade.base + trade.quote,
    id: wireId(trade.id),
    orderId: wireId(trade.orderId ?? trade.id),
    orderListId: -1,
    price: pad8(trade.price),
    qty: pad8(trade.amount),
    quoteQty: pad8(trade.cost),
    commission: pad8(trade.fee.amount),
    commissionAsset: trade.fee.asset,
    time: trade.timestamp,
    isBuyer: trade.side === 'buy',
    isMaker: false,
    isBestMatch: true,
  };
}

// Deposit status: 0 pending, 1 success, 2 rejected (also 6 credited, 7 wrong deposit, 8 waiting).
const DEPOSIT_STATUS = { ok: 1, pending: 0, failed: 2 } as const;
// Withdrawal status: 0 email sent, 2 awaiting approval, 3 rejected, 4 processing, 6 completed.
const WITHDRAWAL_STATUS = { ok: 6, pending: 4, failed: 3 } as const;

/** A deposit or withdrawal history row. */
export type TransferRecord = { coin: string; status: number } & Record<string, unknown>;

export function depositRecord(deposit: Deposit): TransferRecord {
  return {
    id: deposit.id,
    amount: deposit.amount,
    coin: deposit.asset,
    network: deposit.network ?? defaultNetwork(deposit.asset),
    status: DEPOSIT_STATUS[deposit.status],
    address: deposit.address ?? '',
    addressTag: '',
    txId: deposit.txid ?? '',
    insertTime: deposit.timestamp,
    completeTime: deposit.timestamp,
    transferType: 0,
    confirmTimes: deposit.status === 'pending' ? '1/12' : '12/12',
    unlockConfirm: 0,
    walletType: 0,
  };
}

export function withdrawalRecord(withdrawal: Withdrawal): TransferRecord {
  return {
    id: withdrawal.id,
    amount: withdrawal.amount,
    transactionFee: withdrawal.fee,
    coin: withdrawal.asset,
    status: WITHDRAWAL_STATUS[withdrawal.status],
    address: withdrawal.address ?? '',
    txId: withdrawal.txid ?? '',
    applyTime: binanceDateTime(withdrawal.timestamp),
    network: withdrawal.network ?? defaultNetwork(withdrawal.asset),
    transferType: 0,
    info: '',
    confirmNo: withdrawal.status === 'ok' ? 12 : 0,
    walletType: 0,
    txKey: '',
    ...(withdrawal.status === 'ok' ? { completeTime: binanceDateTime(withdrawal.timestamp) } : {}),
  };
}

/** The `enInfo` Binance writes on a dividend row of each reward kind. */
export const REWARD_INFO: Record<Reward['kind'], string> = {
  staking: 'ETH 2.0 Staking',
  interest: 'Simple Earn Flexible Interest',
};

export function assetDividend(reward: Reward): unknown {
  return {
    id: wireId(reward.id),
    amount: pad8(reward.amount),
    asset: reward.asset,
    divTime: reward.timestamp,
    enInfo: REWARD_INFO[reward.kind],
    tranId: wireId(reward.id),
  };
}

/** A dust sweep into BNB; the fixture's conversions carry no service charge. */
export function dribblet(conversion: Conversion): unknown {
  const transId = wireId(conversion.id);
  return {
    operateTime: conversion.timestamp,
    totalTransferedAmount: pad8(conversion.to.amount),
    totalServiceChargeAmount: '0.00000000',
    transId,
    userAssetDribbletDetails: [
      {
        transId,
        serviceChargeAmount: '0.00000000',
        amount: pad8(conversion.from.amount),
        operateTime: conversion.timestamp,
        transferedAmount: pad8(conversion.to.amount),
        fromAsset: conversion.from.asset,
      },
    ],
  };
}
