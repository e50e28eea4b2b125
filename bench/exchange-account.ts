// The exchange benchmark's account (issue #11): a deterministic Binance history of `trades` trades over
// `markets` spot markets and `transfers` deposits and withdrawals spread over `years` years ending at
// `end`, plus balances. Every base asset of the markets is held (spot or funding wallet), so the sync
// engine, which reads trades only of markets whose base the person holds or moved, finds every market.
import type { ExchangeFixture } from '../test/portfolio/exchanges/support/exchange-stand-in.ts';

export interface AccountShape {
  trades: number;
  markets: number;
  transfers: number;
  years: number;
  /** Unix ms of the newest record's upper bound (the account's "now"). */
  end: number;
  seed?: number;
}

export interface GeneratedAccount {
  fixture: ExchangeFixture;
  /** Unix ms of the oldest possible record: the account's first day (00:00 UTC). */
  start: number;
  /** `BASE/QUOTE` of every market the trades use, and trades per market (same order). */
  markets: Array<{ base: string; quote: string; trades: number }>;
  /** Records the sync must store: one per trade, deposit and withdrawal. */
  records: number;
}

const YEAR = 365 * 86_400_000;
const DAY = 86_400_000;
/** Quotes every base trades against; all three are quotes the engine looks for even when not held. */
const QUOTES = ['USDT', 'BTC', 'ETH'] as const;
const MAJORS = ['BTC', 'ETH', 'BNB', 'SOL'];

/** A small seeded generator (mulberry32): the same account on every run and machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `units` / 10^`places` as a decimal string (`12345, 4` → `1.2345`). */
function decimal(units: bigint, places: number): string {
  const text = units.toString().padStart(places + 1, '0');
  const whole = text.slice(0, text.length - places);
  const fraction = text.slice(text.length - places).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

/** The markets: majors against the quotes, then synthetic tokens (BKT001…) against each quote. */
function marketList(count: number): Array<[string, string]> {
  const markets: Array<[string, string]> = [];
  const seen = new Set<string>();
  const add = (base: string, quote: string) => {
    if (base === quote || seen.has(`${quote}/${base}`) || markets.length >= count) return;
    seen.add(`${base}/${quote}`);
    markets.push([base, quote]);
  };
  for (const base of MAJORS) for (const quote of QUOTES) add(base, quote);
  for (let token = 1; markets.length < count; token++)
    for (const quote of QUOTES) add(`BKT${String(token).padStart(3, '0')}`, quote);
  return markets;
}

/**
 * Trades per market, skewed as a real account is (a few markets hold most of the trades: Zipf-like
 * weights 1/rank^0.9), at least one each, summing to exactly `total`.
 */
function tradesPerMarket(markets: number, total: number): number[] {
  const weights = Array.from({ length: markets }, (_, rank) => 1 / (rank + 1) ** 0.9);
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - markets;
  const counts = weights.map((w) => 1 + Math.floor((w / sum) * spare));
  let missing = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; missing > 0; i = (i + 1) % markets, missing--) counts[i]!++;
  return counts;
}

export function generateAccount(shape: AccountShape): GeneratedAccount {
  if (shape.markets < 1 || shape.trades < shape.markets)
    throw new Error(
      `the account needs at least one trade per market (${shape.trades} trades, ${shape.markets} markets)`,
    );
  const next = random(shape.seed ?? 11);
  const start = Math.floor((shape.end - shape.years * YEAR) / DAY) * DAY + DAY;
  // Records end a minute before `end`, so the sync (which reads up to its own now) sees them all.
  const span = shape.end - 60_000 - start;
  const at = () => start + Math.floor(next() * span);
  const pairs = marketList(shape.markets);
  const counts = tradesPerMarket(pairs.length, shape.trades);

  const trades: ExchangeFixture['trades'] = [];
  let tradeId = 100_000_000;
  pairs.forEach(([base, quote], m) => {
    for (let i = 0; i < counts[m]!; i++) {
      const side = next() < 0.5 ? 'buy' : 'sell';
      // Amount and price with 4 decimals each: the cost (8 decimals) is exact, as Binance's quoteQty is.
      const amount = BigInt(1 + Math.floor(next() * 5_000_000));
      const price = BigInt(1 + Math.floor(next() * 2_000_000));
      const cost = amount * price;
      // 0.1% of what was received (Binance charges the bought asset), to 8 decimals.
      const fee = side === 'buy' ? (amount * 10_000n) / 1000n : cost / 1000n;
      trades.push({
        id: String(tradeId++),
        base,
        quote,
        side,
        amount: decimal(amount, 4),
        price: decimal(price, 4),
        cost: decimal(cost, 8),
        fee: { asset: side === 'buy' ? base : quote, amount: decimal(fee, 8) },
        timestamp: at(),
      });
    }
  });

  // Every asset of the account moves in or out at some point; the rest of the transfers go to the majors.
  const assets = [...new Set(pairs.flatMap(([base, quote]) => [base, quote]))];
  const transferAsset = (i: number) => (i < assets.length ? assets[i]! : MAJORS[i % MAJORS.length]!);
  const deposits: ExchangeFixture['deposits'] = [];
  const withdrawals: ExchangeFixture['withdrawals'] = [];
  for (let i = 0; i < shape.transfers; i++) {
    const asset = transferAsset(i);
    const amount = decimal(BigInt(1 + Math.floor(next() * 10_000_000_000)), 8);
    const txid = Array.from({ length: 4 }, () =>
      Math.floor(next() * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    ).join('');
    // Three deposits for every two withdrawals.
    if (i % 5 < 3) deposits.push({ id: `dep${i}`, asset, amount, txid: `0x${txid}`, timestamp: at(), status: 'ok' });
    else
      withdrawals.push({
        id: `wd${i}`,
        asset,
        amount,
        fee: '0.0001',
        txid: `0x${txid}`,
        address: `0xbench${String(i).padStart(8, '0')}`,
        timestamp: at(),
        status: 'ok',
      });
  }

  // Every base is held; a quarter of them in the funding wallet (the engine reads both).
  const balances: ExchangeFixture['balances'] = assets.map((asset, i) => ({
    asset,
    free: decimal(BigInt(1 + Math.floor(next() * 1_000_000_000)), 6),
    ...(i % 4 === 3 ? { wallet: 'funding' } : {}),
  }));

  return {
    fixture: { balances, trades, deposits, withdrawals, rewards: [], conversions: [] },
    start,
    markets: pairs.map(([base, quote], m) => ({ base, quote, trades: counts[m]! })),
    records: trades.length + deposits.length + withdrawals.length,
  };
}
