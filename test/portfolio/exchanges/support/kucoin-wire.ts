import type { ExchangeFixture } from './exchange-stand-in.ts';
import { addDecimals } from './okx-wire.ts';

/**
 * The KuCoin JSON of an exchange-neutral fixture (classic, high-frequency spot account): one
 * function per endpoint's rows. Amounts are strings, times Unix ms numbers, as KuCoin sends them.
 */

type Row = Record<string, unknown>;

/** Markets served besides the fixture's own pairs. */
const EXTRA_PAIRS: Array<[string, string]> = [
  ['BTC', 'USDT'],
  ['ETH', 'USDT'],
  ['ETH', 'BTC'],
  ['KCS', 'USDT'],
  ['SOL', 'USDT'],
];

/** Before this day KuCoin keeps deposits and withdrawals in its V1 archive (`/hist-deposits`, seconds). */
export const V1_ARCHIVE_END = 1_550_448_000_000;

/** `GET /api/v2/symbols` */
export function symbols(fixture: ExchangeFixture): Row[] {
  const pairs = new Map<string, [string, string]>();
  for (const [base, quote] of EXTRA_PAIRS) pairs.set(`${base}-${quote}`, [base, quote]);
  for (const trade of fixture.trades) pairs.set(`${trade.base}-${trade.quote}`, [trade.base, trade.quote]);
  return [...pairs.entries()].map(([symbol, [base, quote]]) => ({
    symbol,
    name: symbol,
    baseCurrency: base,
    quoteCurrency: quote,
    feeCurrency: quote,
    market: quote === 'USDT' ? 'USDS' : quote,
    baseMinSize: '0.00001',
    quoteMinSize: '0.1',
    baseMaxSize: '10000000000',
    quoteMaxSize: '99999999',
    baseIncrement: '0.00000001',
    quoteIncrement: '0.000001',
    priceIncrement: '0.01',
    priceLimitRate: '0.1',
    minFunds: '0.1',
    isMarginEnabled: false,
    enableTrading: true,
    feeCategory: 1,
    makerFeeCoefficient: '1.00',
    takerFeeCoefficient: '1.00',
    st: false,
    callauctionIsEnabled: false,
  }));
}

/** `GET /api/v3/currencies`, with each currency's chains (`chainId` is what histories name). */
export function currencies(fixture: ExchangeFixture): Row[] {
  const chains = new Map<string, Set<string>>();
  const add = (currency: string, network: string | undefined) => {
    const set = chains.get(currency) ?? new Set<string>();
    set.add(chainIdOf(currency, network));
    chains.set(currency, set);
  };
  for (const market of symbols(fixture)) {
    add(market.baseCurrency as string, undefined);
    add(market.quoteCurrency as string, undefined);
  }
  for (const balance of fixture.balances) add(balance.asset, undefined);
  for (const transfer of [...fixture.deposits, ...fixture.withdrawals]) add(transfer.asset, transfer.network);
  return [...chains.entries()].map(([currency, set]) => ({
    currency,
    name: currency,
    fullName: fixture.currencies?.[currency]?.name ?? currency,
    precision: 8,
    confirms: null,
    contractAddress: null,
    isMarginEnabled: false,
    isDebitEnabled: false,
    chains: [...set].map((chainId) => ({
      chainName: chainId.toUpperCase(),
      chainId,
      withdrawalMinSize: '0.001',
      depositMinSize: '0.0001',
      withdrawFeeRate: '0',
      withdrawalMinFee: '0.0005',
      isWithdrawEnabled: true,
      isDepositEnabled: true,
      confirms: 12,
      preConfirms: 12,
      contractAddress: fixture.currencies?.[currency]?.contract ?? '',
      withdrawPrecision: 8,
      maxWithdraw: null,
      maxDeposit: null,
      needTag: false,
    })),
  }));
}

/** `GET /api/v1/accounts?type=…`: `trade_hf` holds the spot wallet, `main` the funding wallet. */
export function accounts(fixture: ExchangeFixture, type: string | null): Row[] {
  const rows = fixture.balances.map((b, index) => ({
    id: `6${String(index).padStart(23, '0')}`,
    currency: b.asset,
    type: b.wallet === 'funding' ? 'main' : 'trade_hf',
    balance: addDecimals(b.free, b.used ?? '0'),
    available: b.free,
    holds: b.used ?? '0',
  }));
  return type ? rows.filter((row) => row.type === type) : rows;
}

/** `GET /api/v1/hf/fills` items; `id` is the numeric cursor `lastId` pages by. */
export function hfFills(fixture: ExchangeFixture): Row[] {
  return [...fixture.trades]
    .sort((a, b) => a.timestamp - b.timestamp || a.id.localeCompare(b.id))
    .map((t, index) => ({
      id: 19_814_995_255_305 + index,
      orderId: t.orderId ?? `6${t.id.padStart(23, '0')}`.slice(0, 24),
      counterOrderId: '66b2aa6f9ab4fb0007a3cdab',
      tradeId: t.id,
      symbol: `${t.base}-${t.quote}`,
      side: t.side,
      liquidity: 'taker',
      type: 'limit',
      forceTaker: false,
      price: t.price,
      size: t.amount,
      funds: t.cost,
      fee: t.fee.amount,
      feeRate: '0.001',
      feeCurrency: t.fee.asset,
      stop: '',
      tradeType: 'TRADE',
      taxRate: '0',
      tax: '0',
      createdAt: t.timestamp,
    }));
}

const STATUS = { ok: 'SUCCESS', pending: 'PROCESSING', failed: 'FAILURE' } as const;

/**
 * `GET /api/v1/deposits` items. KuCoin gives a deposit no id of its own: `walletTxId` (the chain
 * hash, or an internal id for a transfer between KuCoin users) is all there is.
 */
export function deposits(fixture: ExchangeFixture): Row[] {
  return fixture.deposits.map((d) => ({
    currency: d.asset,
    chain: chainIdOf(d.asset, d.network),
    status: STATUS[d.status],
    address: d.address ?? '',
    memo: '',
    isInner: d.txid === undefined,
    amount: d.amount,
    fee: '0',
    walletTxId: d.txid ?? d.id,
    createdAt: d.timestamp,
    updatedAt: d.timestamp,
    remark: '',
    arrears: false,
  }));
}

/** `GET /api/v1/withdrawals` items. */
export function withdrawals(fixture: ExchangeFixture): Row[] {
  return fixture.withdrawals.map((w) => ({
    id: w.id,
    address: w.address ?? '',
    memo: '',
    currency: w.asset,
    chain: chainIdOf(w.asset, w.network),
    amount: w.amount,
    fee: w.fee,
    walletTxId: w.txid ?? null,
    isInner: false,
    status: STATUS[w.status],
    remark: '',
    createdAt: w.timestamp,
    updatedAt: w.timestamp,
  }));
}

/**
 * `GET /api/v1/accounts/ledgers` items (every classic account, funding included): staking rewards
 * as `Staking Profits`, interest as `Other rewards` (KuCoin documents no interest type), and the
 * entries of deposits and Instant Exchange conversions that a rewards reader must skip.
 */
export function ledgers(fixture: ExchangeFixture): Row[] {
  const entry = (id: string, currency: string, amount: string, bizType: string, direction: string, at: number) => ({
    id,
    currency,
    amount,
    fee: '0',
    balance: '0',
    accountType: 'MAIN',
    bizType,
    direction,
    createdAt: at,
    context: '',
  });
  return [
    ...fixture.rewards.map((r) =>
      entry(r.id, r.asset, r.amount, r.kind === 'staking' ? 'Staking Profits' : 'Other rewards', 'in', r.timestamp),
    ),
    ...fixture.deposits
      .filter((d) => d.status === 'ok')
      .map((d) => entry(`dep-${d.txid ?? d.id}`, d.asset, d.amount, 'Deposit', 'in', d.timestamp)),
    ...fixture.conversions.flatMap((c) => [
      entry(`${c.id}-out`, c.from.asset, c.from.amount, 'Instant Exchange', 'out', c.timestamp),
      entry(`${c.id}-in`, c.to.asset, c.to.amount, 'Instant Exchange', 'in', c.timestamp),
    ]),
  ];
}

/** `GET /api/v1/convert/order/history` items. */
export function convertOrders(fixture: ExchangeFixture): Row[] {
  return fixture.conversions.map((c) => ({
    clientOrderId: `client-${c.id}`,
    orderId: c.id,
    price: String(Number(c.to.amount) / Number(c.from.amount)),
    fromCurrency: c.from.asset,
    toCurrency: c.to.asset,
    fromCurrencySize: c.from.amount,
    toCurrencySize: c.to.amount,
    accountType: 'FUNDING',
    orderTime: c.timestamp,
    status: 'SUCCESS',
  }));
}

/** KuCoin's chain ids for the unified network codes a fixture uses (ccxt's own table). */
const CHAIN_IDS: Record<string, string> = {
  BTC: 'btc',
  ETH: 'eth',
  ERC20: 'eth',
  TRX: 'trx',
  TRC20: 'trx',
  BSC: 'bsc',
  BEP20: 'bsc',
  SOL: 'sol',
  ARBITRUM: 'arbitrum',
  OP: 'optimism',
  MATIC: 'matic',
  KCC: 'kcc',
};

function chainIdOf(currency: string, network: string | undefined): string {
  const code = network ?? (currency === 'BTC' ? 'BTC' : currency === 'SOL' ? 'SOL' : 'ERC20');
  return CHAIN_IDS[code.toUpperCase()] ?? code.toLowerCase();
}
