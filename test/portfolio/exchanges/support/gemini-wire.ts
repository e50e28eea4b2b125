/**
 * Gemini's JSON for an exchange-neutral fixture (`/v1/symbols`, `/v1/balances`, `/v1/mytrades`,
 * `/v1/transfers`) and the way Gemini pages its histories: from `timestamp` on, the oldest
 * `limit` records, listed newest first.
 */
import type { ExchangeFixture } from './exchange-stand-in.ts';

/** Markets listed besides those the fixture trades. */
const EXTRA_SYMBOLS = ['btcusd', 'ethusd', 'ethbtc', 'solusd', 'btcgusd', 'paxgusd'];

export function symbols(fixture: ExchangeFixture): string[] {
  const traded = fixture.trades.map((t) => (t.base + t.quote).toLowerCase());
  return [...new Set([...EXTRA_SYMBOLS, ...traded])];
}

const add = (a: string, b: string): string => {
  // Exact decimal addition of two non-negative decimal strings.
  const places = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const scaled = (s: string): bigint => {
    const [whole, fraction = ''] = s.split('.');
    return BigInt(whole! + fraction.padEnd(places, '0'));
  };
  const total = (scaled(a) + scaled(b)).toString().padStart(places + 1, '0');
  return places === 0 ? total : `${total.slice(0, -places)}.${total.slice(-places)}`.replace(/\.?0+$/, '');
};

/** Gemini keeps one exchange balance per currency: every fixture wallet is it. */
export function balances(fixture: ExchangeFixture): object[] {
  return fixture.balances.map((b) => ({
    type: 'exchange',
    currency: b.asset,
    amount: add(b.free, b.used ?? '0'),
    available: b.free,
    availableForWithdrawal: b.free,
  }));
}

/** Gemini's ids (`tid`, `eid`) are numbers; a fixture id that is not one stays a string. */
const numeric = (id: string): number | string => (/^\d+$/.test(id) ? Number(id) : id);

export interface Timed {
  time: number;
  record: object;
}

export function myTrades(fixture: ExchangeFixture, symbol: string): Timed[] {
  return fixture.trades
    .filter((t) => (t.base + t.quote).toLowerCase() === symbol.toLowerCase())
    .map((t) => ({
      time: t.timestamp,
      record: {
        price: t.price,
        amount: t.amount,
        timestamp: Math.floor(t.timestamp / 1000),
        timestampms: t.timestamp,
        type: t.side === 'buy' ? 'Buy' : 'Sell',
        aggressor: true,
        fee_currency: t.fee.asset,
        fee_amount: t.fee.amount,
        tid: numeric(t.id),
        order_id: t.orderId ?? `${t.id}0`,
        exchange: 'gemini',
        is_auction_fill: false,
        is_clearing_fill: false,
        symbol: (t.base + t.quote).toUpperCase(),
      },
    }));
}

const TRANSFER_STATUS = { ok: 'Complete', pending: 'Pending', failed: 'Cancelled' } as const;

/** Crypto deposits and withdrawals, as `/v1/transfers` lists them (`eid` numeric, no network field). */
export function transfers(fixture: ExchangeFixture): Timed[] {
  const deposits = fixture.deposits.map((d) => ({
    time: d.timestamp,
    record: {
      type: 'Deposit',
      status: TRANSFER_STATUS[d.status],
      timestampms: d.timestamp,
      eid: numeric(d.id),
      currency: d.asset,
      amount: d.amount,
      ...(d.txid ? { txHash: d.txid, outputIdx: 0 } : {}),
      ...(d.address ? { destination: d.address } : {}),
      purpose: 'Deposit',
    },
  }));
  const withdrawals = fixture.withdrawals.map((w) => ({
    time: w.timestamp,
    record: {
      type: 'Withdrawal',
      status: TRANSFER_STATUS[w.status],
      timestampms: w.timestamp,
      eid: numeric(w.id),
      withdrawalId: `wd-${w.id}`,
      currency: w.asset,
      amount: w.amount,
      feeAmount: w.fee,
      feeCurrency: w.asset,
      ...(w.txid ? { txHash: w.txid } : {}),
      ...(w.address ? { destination: w.address } : {}),
      method: 'Crypto',
    },
  }));
  return [...deposits, ...withdrawals];
}

/** Gemini reads a `timestamp` parameter as seconds or milliseconds, whichever it plausibly is. */
export function toMillis(timestamp: unknown): number | undefined {
  if (timestamp === undefined || timestamp === null || timestamp === '') return undefined;
  const value = Number(timestamp);
  return value < 1e11 ? value * 1000 : value;
}

/** Without `timestamp`, the most recent `limit`; with it, the oldest `limit` from it on. Newest first either way. */
export function page(records: Timed[], from: number | undefined, limit: number): object[] {
  const sorted = [...records].sort((a, b) => a.time - b.time);
  const chosen = from === undefined ? sorted.slice(-limit) : sorted.filter((r) => r.time >= from).slice(0, limit);
  return chosen.reverse().map((r) => r.record);
}
