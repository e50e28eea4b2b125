/**
 * Bybit v5's JSON for an exchange-neutral fixture: the records of every endpoint the stand-in
 * serves, and the time-window and cursor rules Bybit applies to its history endpoints.
 */
import type { ExchangeFixture } from './exchange-stand-in.ts';

const DAY = 86_400_000;

/** Spot pairs listed besides those the fixture trades, so loadMarkets is not just the fixture. */
const EXTRA_PAIRS: Array<[string, string]> = [
  ['BTC', 'USDT'],
  ['ETH', 'USDT'],
  ['ETH', 'BTC'],
  ['SOL', 'USDT'],
  ['XRP', 'USDT'],
];

export function spotInstruments(fixture: ExchangeFixture): object[] {
  const pairs = new Map<string, [string, string]>();
  for (const [base, quote] of [...fixture.trades.map((t) => [t.base, t.quote] as [string, string]), ...EXTRA_PAIRS])
    pairs.set(base + quote, [base, quote]);
  return [...pairs].map(([symbol, [base, quote]]) => ({
    symbol,
    baseCoin: base,
    quoteCoin: quote,
    innovation: '0',
    status: 'Trading',
    marginTrading: 'both',
    stTag: '0',
    lotSizeFilter: {
      basePrecision: '0.000001',
      quotePrecision: '0.00000001',
      minOrderQty: '0.000048',
      maxOrderQty: '71.73956243',
      minOrderAmt: '1',
      maxOrderAmt: '2000000',
    },
    priceFilter: { tickSize: '0.01' },
    riskParameters: { priceLimitRatioX: '0.01', priceLimitRatioY: '0.02' },
  }));
}

/** /v5/asset/coin/query-info rows: every coin the account touches, with the chains its transfers used. */
export function coinRows(fixture: ExchangeFixture): object[] {
  const chains = new Map<string, Set<string>>();
  const note = (coin: string, chain?: string): void => {
    const known = chains.get(coin) ?? new Set<string>();
    if (chain) known.add(chain);
    chains.set(coin, known);
  };
  EXTRA_PAIRS.flat().forEach((coin) => note(coin));
  fixture.balances.forEach((b) => note(b.asset));
  fixture.trades.flatMap((t) => [t.base, t.quote]).forEach((coin) => note(coin));
  [...fixture.deposits, ...fixture.withdrawals].forEach((t) => note(t.asset, t.network));
  fixture.rewards.forEach((r) => note(r.asset));
  fixture.conversions.flatMap((c) => [c.from.asset, c.to.asset]).forEach((coin) => note(coin));
  return [...chains].map(([coin, used]) => ({
    name: coin,
    coin,
    remainAmount: '1500000',
    chains: [...(used.size > 0 ? used : [coin])].map((chain) => ({
      chainType: chain,
      confirmation: '12',
      withdrawFee: '0.0005',
      depositMin: '0',
      withdrawMin: '0.001',
      chain,
      chainDeposit: '1',
      chainWithdraw: '1',
      minAccuracy: '8',
      withdrawPercentageFee: '0',
    })),
  }));
}

type Balance = ExchangeFixture['balances'][number];

const sum = (a: string, b: string): string => {
  // Decimal strings, added exactly: scale both to the longer fraction.
  const places = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (s: string): bigint => {
    const [whole, fraction = ''] = s.split('.');
    return BigInt(whole! + fraction.padEnd(places, '0'));
  };
  const total = (scaled(a) + scaled(b)).toString().padStart(places + 1, '0');
  return places === 0 ? total : `${total.slice(0, -places)}.${total.slice(-places)}`.replace(/\.?0+$/, '');
};

/** The unified trading account (UTA 2.0): `walletBalance` = free + locked. */
export function unifiedWallet(balances: Balance[]): object {
  return {
    list: [
      {
        accountType: 'UNIFIED',
        accountIMRate: '0',
        accountMMRate: '0',
        accountLTV: '0',
        totalEquity: '0',
        totalWalletBalance: '0',
        totalMarginBalance: '0',
        totalAvailableBalance: '0',
        totalPerpUPL: '0',
        totalInitialMargin: '0',
        totalMaintenanceMargin: '0',
        coin: balances.map((b) => ({
          coin: b.asset,
          equity: sum(b.free, b.used ?? '0'),
          usdValue: '0',
          walletBalance: sum(b.free, b.used ?? '0'),
          availableToWithdraw: b.free,
          locked: b.used ?? '0',
          borrowAmount: '0',
          accruedInterest: '0',
          totalOrderIM: '0',
          totalPositionIM: '0',
          totalPositionMM: '0',
          unrealisedPnl: '0',
          cumRealisedPnl: '0',
          bonus: '0',
          marginCollateral: true,
          collateralSwitch: true,
        })),
      },
    ],
  };
}

/** The funding account (`accountType=FUND`). */
export function fundingWallet(balances: Balance[]): object {
  return {
    memberId: '533285',
    accountType: 'FUND',
    balance: balances.map((b) => ({
      coin: b.asset,
      walletBalance: sum(b.free, b.used ?? '0'),
      transferBalance: b.free,
      bonus: '',
    })),
  };
}

export interface Timed {
  time: number;
  id: string;
  record: object;
}

export function executions(fixture: ExchangeFixture): Timed[] {
  return fixture.trades.map((t) => ({
    time: t.timestamp,
    id: t.id,
    record: {
      symbol: t.base + t.quote,
      orderType: 'Limit',
      underlyingPrice: '',
      orderLinkId: '',
      side: t.side === 'buy' ? 'Buy' : 'Sell',
      indexPrice: '',
      orderId: t.orderId ?? `order-${t.id}`,
      stopOrderType: '',
      leavesQty: '0',
      execTime: String(t.timestamp),
      feeCurrency: t.fee.asset,
      isMaker: false,
      execFee: t.fee.amount,
      feeRate: '0.001',
      execId: t.id,
      tradeIv: '',
      blockTradeId: '',
      markPrice: '',
      execPrice: t.price,
      markIv: '',
      orderQty: t.amount,
      orderPrice: t.price,
      execValue: t.cost,
      closedSize: '',
      execType: 'Trade',
      seq: 0,
      execQty: t.amount,
    },
  }));
}

const DEPOSIT_STATUS = { ok: 3, pending: 1, failed: 4 } as const;
const WITHDRAW_STATUS = { ok: 'success', pending: 'Pending', failed: 'Fail' } as const;

export function depositRecords(fixture: ExchangeFixture): Timed[] {
  return fixture.deposits.map((d) => ({
    time: d.timestamp,
    id: d.id,
    record: {
      id: d.id,
      coin: d.asset,
      chain: d.network ?? d.asset,
      amount: d.amount,
      txID: d.txid ?? '',
      status: DEPOSIT_STATUS[d.status],
      toAddress: d.address ?? '',
      tag: '',
      depositFee: '',
      successAt: String(d.timestamp),
      confirmations: d.status === 'ok' ? '64' : '0',
      txIndex: '0',
      blockHash: '',
      batchReleaseLimit: '-1',
      depositType: '0',
      fromAddress: '',
    },
  }));
}

export function withdrawalRecords(fixture: ExchangeFixture): Timed[] {
  return fixture.withdrawals.map((w) => ({
    time: w.timestamp,
    id: w.id,
    record: {
      withdrawId: w.id,
      txID: w.txid ?? '',
      withdrawType: 0,
      coin: w.asset,
      chain: w.network ?? w.asset,
      amount: w.amount,
      withdrawFee: w.fee,
      status: WITHDRAW_STATUS[w.status],
      toAddress: w.address ?? '',
      tag: '',
      createTime: String(w.timestamp),
      updateTime: String(w.timestamp + 60_000),
    },
  }));
}

/** Earn yields: interest comes from Flexible Savings, staking rewards from On-chain Earn. */
export function earnYields(fixture: ExchangeFixture, category: string): Timed[] {
  const kind = category === 'OnChain' ? 'staking' : 'interest';
  return fixture.rewards
    .filter((r) => r.kind === kind)
    .map((r) => ({
      time: r.timestamp,
      id: r.id,
      record: {
        productId: kind === 'staking' ? '' : '428',
        coin: r.asset,
        id: r.id,
        amount: r.amount,
        yieldType: 'Normal',
        distributionMode: 'Auto',
        effectiveStakingAmount: '1000',
        orderId: '',
        status: 'Success',
        createdAt: String(r.timestamp),
      },
    }));
}

export function convertRecords(fixture: ExchangeFixture): Timed[] {
  return fixture.conversions.map((c) => ({
    time: c.timestamp,
    id: c.id,
    record: {
      accountType: 'eb_convert_uta',
      exchangeTxId: c.id,
      userId: '100082',
      fromCoin: c.from.asset,
      fromCoinType: 'crypto',
      fromAmount: c.from.amount,
      toCoin: c.to.asset,
      toCoinType: 'crypto',
      toAmount: c.to.amount,
      exchangeStatus: 'success',
      extInfo: { paramType: 'opFrom', paramValue: 'broker-id-001' },
      convertRate: '1',
      createdAt: String(c.timestamp),
    },
  }));
}

/** A request's time range, as Bybit derives it from `startTime`/`endTime` and its span rule. */
export function timeRange(
  query: URLSearchParams,
  spanMs: number,
  now: number,
): { start: number; end: number } | { error: string } {
  const start = query.get('startTime');
  const end = query.get('endTime');
  if (start && end) {
    if (Number(end) < Number(start)) return { error: 'endTime must be greater than startTime' };
    if (Number(end) - Number(start) > spanMs)
      return { error: `The time range between startTime and endTime cannot exceed ${spanMs / DAY} days` };
    return { start: Number(start), end: Number(end) };
  }
  if (start) return { start: Number(start), end: Number(start) + spanMs };
  if (end) return { start: Number(end) - spanMs, end: Number(end) };
  return { start: now - spanMs, end: now };
}

/**
 * One page of records, newest first as Bybit returns them; `cursor` is opaque to the client.
 * Bybit's cursors carry URL-escaped separators (`621%3A1%2C621%3A1`), which tests that the client
 * signs the query string exactly as it sends it.
 */
export function page(
  records: Timed[],
  range: { start: number; end: number },
  limit: number,
  cursor: string | null,
): { list: object[]; nextPageCursor: string } {
  const inRange = records
    .filter((r) => r.time >= range.start && r.time <= range.end)
    .sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1));
  const offset = cursor ? Number(cursor.split(':')[0]) : 0;
  const list = inRange.slice(offset, offset + limit).map((r) => r.record);
  // Like Bybit, a page with records always points past its last one; only an empty page ends.
  const next = offset + list.length;
  return { list, nextPageCursor: list.length > 0 ? `${next}%3A1%2C${next}%3A1` : '' };
}
