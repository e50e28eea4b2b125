import type { ExchangeFixture } from './exchange-stand-in.ts';

type Trade = ExchangeFixture['trades'][number];

/**
 * The fixture's trades by Binance symbol, each list sorted by time, so one `myTrades` page is a
 * binary search and a slice even with 50,000 trades over 120 markets. Rebuilt when the trades
 * array is replaced or grows/shrinks (tests change the fixture between syncs).
 */
export class TradeIndex {
  private source: Trade[] | undefined;
  private length = -1;
  private bySymbol = new Map<string, Trade[]>();

  /** The market's trades, oldest first. */
  trades(all: Trade[], symbol: string): Trade[] {
    this.refresh(all);
    return this.bySymbol.get(symbol) ?? [];
  }

  /** Every symbol the trades use, as [base, quote]. */
  markets(all: Trade[]): Array<[string, string]> {
    this.refresh(all);
    return [...this.bySymbol.values()].map((list) => [list[0]!.base, list[0]!.quote]);
  }

  private refresh(all: Trade[]): void {
    if (all === this.source && all.length === this.length) return;
    this.bySymbol = new Map();
    for (const trade of all) {
      const symbol = trade.base + trade.quote;
      let list = this.bySymbol.get(symbol);
      if (!list) this.bySymbol.set(symbol, (list = []));
      list.push(trade);
    }
    for (const list of this.bySymbol.values()) list.sort(byTimeThenId);
    this.source = all;
    this.length = all.length;
  }
}

function byTimeThenId(a: Trade, b: Trade): number {
  return a.timestamp - b.timestamp || compareIds(a.id, b.id);
}

/** Numeric ids compare as numbers (Binance's trade ids), others as strings. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The first index whose timestamp is ≥ `time` in a list sorted by time. */
export function firstAtOrAfter<T extends { timestamp: number }>(list: T[], time: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (list[middle]!.timestamp < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

export interface TradeQuery {
  startTime?: number;
  endTime?: number;
  fromId?: string;
  limit: number;
}

/**
 * One `GET /api/v3/myTrades` page: from `fromId` on, or the oldest `limit` trades at or after
 * `startTime` (up to `endTime`), or the newest `limit` trades up to `endTime`, or the newest
 * `limit` trades at all — always answered oldest first.
 */
export function selectTrades(list: Trade[], query: TradeQuery): Trade[] {
  const { startTime, endTime, fromId, limit } = query;
  if (fromId !== undefined) {
    const start = list.findIndex((trade) => compareIds(trade.id, fromId) >= 0);
    return start < 0 ? [] : list.slice(start, start + limit);
  }
  if (startTime !== undefined) {
    const start = firstAtOrAfter(list, startTime);
    const end = endTime === undefined ? list.length : firstAtOrAfter(list, endTime + 1);
    return list.slice(start, Math.min(end, start + limit));
  }
  const end = endTime === undefined ? list.length : firstAtOrAfter(list, endTime + 1);
  return list.slice(Math.max(0, end - limit), end);
}
