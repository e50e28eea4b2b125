import { createHash } from 'node:crypto';
import { formatUnits, parseUnits } from '../../../../src/portfolio/money/amounts.ts';
import type { ExchangeFixture } from './exchange-stand-in.ts';

/**
 * The fixture as Bitstamp's v2 API holds it: markets, account_balances, user_transactions rows
 * (one signed amount per currency, lowercase keys) and withdrawal-requests. Times are UTC
 * `YYYY-MM-DD HH:MM:SS.ffffff`; ids are integers (a non-numeric fixture id gets a stable one).
 */
const FIAT = new Set(['USD', 'EUR', 'GBP']);
/** Currencies every user_transactions row lists, at zero when the row does not move them. */
const ROW_CURRENCIES = ['usd', 'eur', 'btc', 'eth'];

export function decimalsOf(symbol: string): number {
  return FIAT.has(symbol) ? 2 : 8;
}

function amount(text: string, symbol: string, sign = 1n): string {
  const decimals = decimalsOf(symbol);
  const value = parseUnits(text, decimals);
  if (value === undefined) throw new Error(`${text} ${symbol} has more decimals than Bitstamp keeps (${decimals})`);
  return formatUnits(sign * value, decimals);
}

export function bitstampId(id: string): number {
  if (/^\d{1,15}$/.test(id)) return Number(id);
  return Number.parseInt(createHash('sha256').update(id).digest('hex').slice(0, 12), 16) % 1e12;
}

export function bitstampDatetime(ms: number): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`;
}

export function marketsResult(pairs: Array<[string, string]>): unknown[] {
  const all: Array<[string, string]> = [
    ['BTC', 'USD'],
    ['BTC', 'EUR'],
    ['ETH', 'USD'],
    ['ETH', 'BTC'],
    ['XRP', 'USD'],
    ['USDC', 'USD'],
    ...pairs,
  ];
  const seen = new Set<string>();
  return all.flatMap(([base, quote]) => {
    const id = `${base}${quote}`.toLowerCase();
    if (seen.has(id)) return [];
    seen.add(id);
    return [
      {
        name: `${base}/${quote}`,
        market_symbol: id,
        base_currency: base,
        base_decimals: 8,
        counter_currency: quote,
        counter_decimals: FIAT.has(quote) ? 2 : 8,
        minimum_order_value: FIAT.has(quote) ? '10.00' : '0.00020000',
        trading: 'Enabled',
        instant_order_counter_decimals: 2,
        instant_and_market_orders: 'Enabled',
        description: `${base} / ${quote}`,
        market_type: 'SPOT',
      },
    ];
  });
}

/** Bitstamp keeps one wallet per account: a fixture's funding or earn balance is in it too. */
export function balancesResult(fixture: ExchangeFixture): unknown[] {
  return fixture.balances.map((b) => {
    const decimals = decimalsOf(b.asset);
    const free = parseUnits(b.free, decimals) ?? 0n;
    const used = parseUnits(b.used ?? '0', decimals) ?? 0n;
    return {
      currency: b.asset.toLowerCase(),
      total: formatUnits(free + used, decimals),
      available: formatUnits(free, decimals),
      reserved: formatUnits(used, decimals),
    };
  });
}

export interface BitstampRowEntry {
  id: number;
  ms: number;
  row: Record<string, unknown>;
}

/** user_transactions: trades (type 2), credited deposits (0), withdrawals (1), staking rewards (27). */
export function userTransactionRows(fixture: ExchangeFixture): BitstampRowEntry[] {
  if (fixture.conversions.length > 0) throw new Error('Bitstamp has no conversions outside its order books');
  const rows: BitstampRowEntry[] = [];
  const add = (id: number, ms: number, type: string, fee: string, moves: Record<string, string>, extra = {}) => {
    const zeros = Object.fromEntries(
      ROW_CURRENCIES.map((c) => [c, c === 'usd' || c === 'eur' ? '0.00' : '0.00000000']),
    );
    rows.push({ id, ms, row: { id, datetime: bitstampDatetime(ms), type, fee, ...zeros, ...moves, ...extra } });
  };
  for (const t of fixture.trades) {
    if (t.fee.asset !== t.quote) throw new Error(`Bitstamp charges trade fees in the quote asset (${t.quote})`);
    const sign = t.side === 'buy' ? 1n : -1n;
    const [base, quote] = [t.base.toLowerCase(), t.quote.toLowerCase()];
    add(
      bitstampId(t.id),
      t.timestamp,
      '2',
      amount(t.fee.amount, t.quote),
      {
        [base]: amount(t.amount, t.base, sign),
        [quote]: amount(t.cost, t.quote, -sign),
        [`${base}_${quote}`]: t.price,
      },
      { order_id: bitstampId(t.orderId ?? `order ${t.id}`) },
    );
  }
  for (const d of fixture.deposits.filter((d) => d.status === 'ok'))
    add(bitstampId(d.id), d.timestamp, '0', amount('0', d.asset), {
      [d.asset.toLowerCase()]: amount(d.amount, d.asset),
    });
  for (const w of fixture.withdrawals.filter((w) => w.status !== 'failed'))
    add(bitstampId(`user transaction ${w.id}`), w.timestamp, '1', amount(w.fee, w.asset), {
      [w.asset.toLowerCase()]: amount(w.amount, w.asset, -1n),
    });
  for (const r of fixture.rewards) {
    if (r.kind !== 'staking')
      throw new Error('Bitstamp pays no interest; its rewards are staking (27) and referral (32)');
    add(bitstampId(r.id), r.timestamp, '27', amount('0', r.asset), {
      [r.asset.toLowerCase()]: amount(r.amount, r.asset),
    });
  }
  return rows;
}

/** withdrawal-requests `type`: the withdrawal method (1 bitcoin, 14 XRP, 15 litecoin, 16 ether, 0 SEPA). */
const WITHDRAWAL_TYPES: Record<string, number> = { BTC: 1, XRP: 14, LTC: 15, ETH: 16, EUR: 0 };
const WITHDRAWAL_STATUS = { pending: 1, ok: 2, failed: 4 } as const;

export function withdrawalRequests(fixture: ExchangeFixture): BitstampRowEntry[] {
  return fixture.withdrawals.map((w) => {
    const id = bitstampId(w.id);
    return {
      id,
      ms: w.timestamp,
      row: {
        id,
        datetime: bitstampDatetime(w.timestamp).slice(0, 19),
        type: WITHDRAWAL_TYPES[w.asset] ?? 1,
        currency: w.asset,
        amount: amount(w.amount, w.asset),
        status: WITHDRAWAL_STATUS[w.status],
        ...(w.address ? { address: w.address } : {}),
        ...(w.txid ? { transaction_id: w.txid } : {}),
      },
    };
  });
}
