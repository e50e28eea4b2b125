import type { ExchangeFixture } from './exchange-stand-in.ts';

/**
 * The OKX v5 JSON of an exchange-neutral fixture: one function per endpoint's rows. Every number
 * is a string, every time a string of Unix ms, as OKX sends them.
 */

type Row = Record<string, unknown>;

/** Markets served besides the fixture's own pairs. */
const EXTRA_PAIRS: Array<[string, string]> = [
  ['BTC', 'USDT'],
  ['ETH', 'USDT'],
  ['ETH', 'BTC'],
  ['SOL', 'USDT'],
  ['USDC', 'USDT'],
];

/** `GET /api/v5/public/instruments?instType=SPOT` */
export function spotInstruments(fixture: ExchangeFixture): Row[] {
  const pairs = new Map<string, [string, string]>();
  for (const [base, quote] of EXTRA_PAIRS) pairs.set(`${base}-${quote}`, [base, quote]);
  for (const trade of fixture.trades) pairs.set(`${trade.base}-${trade.quote}`, [trade.base, trade.quote]);
  for (const conversion of fixture.conversions) {
    const { base, quote } = convertPair(conversion.from.asset, conversion.to.asset);
    pairs.set(`${base}-${quote}`, [base, quote]);
  }
  return [...pairs.entries()].map(([instId, [base, quote]]) => ({
    alias: '',
    baseCcy: base,
    category: '1',
    ctMult: '',
    ctType: '',
    ctVal: '',
    ctValCcy: '',
    expTime: '',
    instFamily: '',
    instId,
    instType: 'SPOT',
    lever: '10',
    listTime: '1548133413000',
    lotSz: '0.00000001',
    maxLmtSz: '9999999999',
    maxMktSz: '1000000',
    minSz: '0.00001',
    optType: '',
    quoteCcy: quote,
    settleCcy: '',
    state: 'live',
    stk: '',
    tickSz: '0.01',
    uly: '',
  }));
}

/** `GET /api/v5/asset/currencies`: one row per currency and chain (`USDT-TRC20`). */
export function currencies(fixture: ExchangeFixture): Row[] {
  const chains = new Map<string, Set<string>>();
  const add = (ccy: string, network: string | undefined) => {
    const set = chains.get(ccy) ?? new Set<string>();
    set.add(chainOf(ccy, network));
    chains.set(ccy, set);
  };
  for (const instrument of spotInstruments(fixture)) {
    add(instrument.baseCcy as string, undefined);
    add(instrument.quoteCcy as string, undefined);
  }
  for (const balance of fixture.balances) add(balance.asset, undefined);
  for (const transfer of [...fixture.deposits, ...fixture.withdrawals]) add(transfer.asset, transfer.network);
  for (const reward of fixture.rewards) add(reward.asset, undefined);
  return [...chains.entries()].flatMap(([ccy, set]) =>
    [...set].map((chain) => ({
      canDep: true,
      canInternal: true,
      canWd: true,
      ccy,
      chain,
      logoLink: '',
      mainNet: chain === chainOf(ccy, undefined),
      maxFee: '0.001',
      maxWd: '1000000',
      minFee: '0.0001',
      minWd: '0.001',
      name: ccy,
      wdTickSz: '8',
    })),
  );
}

/** `GET /api/v5/account/balance`: the trading account, as a simple-mode account reports it (`availEq` empty). */
export function tradingBalance(fixture: ExchangeFixture, now: number): Row[] {
  const details = fixture.balances
    .filter((b) => (b.wallet ?? 'spot') === 'spot')
    .map((b) => {
      const used = b.used ?? '0';
      const total = addDecimals(b.free, used);
      return {
        availBal: b.free,
        availEq: '',
        cashBal: total,
        ccy: b.asset,
        disEq: '',
        eq: total,
        eqUsd: '',
        frozenBal: used,
        ordFrozen: used,
        uTime: String(now),
      };
    });
  return [{ adjEq: '', details, imr: '', isoEq: '', mgnRatio: '', mmr: '', totalEq: '', uTime: String(now) }];
}

/** `GET /api/v5/asset/balances`: the funding account. */
export function fundingBalances(fixture: ExchangeFixture): Row[] {
  return fixture.balances
    .filter((b) => b.wallet === 'funding')
    .map((b) => ({
      availBal: b.free,
      bal: addDecimals(b.free, b.used ?? '0'),
      ccy: b.asset,
      frozenBal: b.used ?? '0',
    }));
}

/** `GET /api/v5/trade/fills-history` rows, with `billId` rising with time (the cursor `after`/`before` use). */
export function fills(fixture: ExchangeFixture): Row[] {
  return byTime(fixture.trades).map((t, index) => ({
    instType: 'SPOT',
    instId: `${t.base}-${t.quote}`,
    tradeId: t.id,
    ordId: t.orderId ?? `${t.id}01`,
    clOrdId: '',
    billId: billId(t.timestamp, index),
    tag: '',
    fillPx: t.price,
    fillSz: t.amount,
    fillIdxPx: '',
    fillPnl: '0',
    side: t.side,
    posSide: 'net',
    execType: 'T',
    // OKX reports a charged fee as a negative number.
    feeCcy: t.fee.asset,
    fee: /^0*\.?0*$/.test(t.fee.amount) ? '0' : `-${t.fee.amount}`,
    feeRate: '-0.001',
    ts: String(t.timestamp),
    fillTime: String(t.timestamp),
  }));
}

const DEPOSIT_STATE = { ok: '2', pending: '0', failed: '11' } as const;
const WITHDRAWAL_STATE = { ok: '2', pending: '1', failed: '-1' } as const;

/** `GET /api/v5/asset/deposit-history` */
export function deposits(fixture: ExchangeFixture): Row[] {
  return fixture.deposits.map((d) => ({
    actualDepBlkConfirm: d.status === 'ok' ? '12' : '0',
    amt: d.amount,
    areaCodeFrom: '',
    ccy: d.asset,
    chain: chainOf(d.asset, d.network),
    depId: d.id,
    from: '',
    fromWdId: '',
    state: DEPOSIT_STATE[d.status],
    to: d.address ?? '',
    ts: String(d.timestamp),
    txId: d.txid ?? '',
  }));
}

/** `GET /api/v5/asset/withdrawal-history` */
export function withdrawals(fixture: ExchangeFixture): Row[] {
  return fixture.withdrawals.map((w) => ({
    chain: chainOf(w.asset, w.network),
    fee: w.fee,
    feeCcy: w.asset,
    ccy: w.asset,
    clientId: '',
    amt: w.amount,
    txId: w.txid ?? '',
    from: '',
    areaCodeFrom: '',
    to: w.address ?? '',
    areaCodeTo: '',
    state: WITHDRAWAL_STATE[w.status],
    ts: String(w.timestamp),
    nonTradableAsset: false,
    wdId: w.id,
  }));
}

/**
 * `GET /api/v5/asset/bills-history`: staking rewards as type 83, plus the bills of deposits
 * (type 1) and conversions (type 61, one per side) that a rewards reader must skip.
 */
export function fundingBills(fixture: ExchangeFixture): Row[] {
  const bill = (billId: string, ccy: string, balChg: string, type: string, ts: number) => ({
    billId,
    ccy,
    clientId: '',
    balChg,
    bal: '0',
    type,
    notes: '',
    ts: String(ts),
  });
  return [
    ...fixture.rewards.filter((r) => r.kind === 'staking').map((r) => bill(r.id, r.asset, r.amount, '83', r.timestamp)),
    ...fixture.deposits
      .filter((d) => d.status === 'ok')
      .map((d) => bill(`dep${d.id}`, d.asset, d.amount, '1', d.timestamp)),
    ...fixture.conversions.flatMap((c) => [
      bill(`${c.id}-out`, c.from.asset, `-${c.from.amount}`, '61', c.timestamp),
      bill(`${c.id}-in`, c.to.asset, c.to.amount, '61', c.timestamp),
    ]),
  ];
}

/** `GET /api/v5/finance/savings/lending-history`: Simple Earn Flexible interest, one row per payout. */
export function savingsLending(fixture: ExchangeFixture): Row[] {
  return fixture.rewards
    .filter((r) => r.kind === 'interest')
    .map((r) => ({ ccy: r.asset, amt: '1000', earnings: r.amount, rate: '0.05', ts: String(r.timestamp) }));
}

/** `GET /api/v5/asset/convert/history`: the pair is quoted in the more quote-like asset of the two. */
export function convertHistory(fixture: ExchangeFixture): Row[] {
  return fixture.conversions.map((c) => {
    const { base, quote } = convertPair(c.from.asset, c.to.asset);
    const sold = c.from.asset === base;
    const baseSize = sold ? c.from.amount : c.to.amount;
    const quoteSize = sold ? c.to.amount : c.from.amount;
    return {
      clTReqId: '',
      instId: `${base}-${quote}`,
      side: sold ? 'sell' : 'buy',
      fillPx: String(Number(quoteSize) / Number(baseSize)),
      baseCcy: base,
      quoteCcy: quote,
      fillBaseSz: baseSize,
      fillQuoteSz: quoteSize,
      state: 'fullyFilled',
      tradeId: c.id,
      ts: String(c.timestamp),
    };
  });
}

const QUOTE_RANK = ['USDT', 'USDC', 'USD', 'EUR', 'BTC', 'ETH'];

function convertPair(from: string, to: string): { base: string; quote: string } {
  const rank = (asset: string) => {
    const index = QUOTE_RANK.indexOf(asset);
    return index < 0 ? QUOTE_RANK.length : index;
  };
  return rank(from) < rank(to) ? { base: to, quote: from } : { base: from, quote: to };
}

/** OKX's chain names for the unified network codes a fixture uses (OKX writes `USDT-TRC20`, `BTC-Bitcoin`). */
const OKX_CHAIN_NAMES: Record<string, string> = {
  BTC: 'Bitcoin',
  ETH: 'ERC20',
  ERC20: 'ERC20',
  TRX: 'TRC20',
  TRC20: 'TRC20',
  BSC: 'BSC',
  BEP20: 'BSC',
  SOL: 'Solana',
  ARBITRUM: 'Arbitrum One',
  BASE: 'Base',
};

function chainOf(ccy: string, network: string | undefined): string {
  const code = network ?? (ccy === 'BTC' ? 'BTC' : ccy === 'SOL' ? 'SOL' : 'ERC20');
  return `${ccy}-${OKX_CHAIN_NAMES[code.toUpperCase()] ?? code}`;
}

function byTime<T extends { timestamp: number; id: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => a.timestamp - b.timestamp || a.id.localeCompare(b.id));
}

/** OKX bill ids are 18-digit numbers that grow with time. */
function billId(timestamp: number, index: number): string {
  return `${timestamp}${String(index % 100_000).padStart(5, '0')}`;
}

/** Sums two plain decimals exactly. */
export function addDecimals(a: string, b: string): string {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const units = (text: string) => BigInt(text.replace('.', '') + '0'.repeat(scale - (text.split('.')[1]?.length ?? 0)));
  const digits = (units(a) + units(b)).toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}
