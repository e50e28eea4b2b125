import { createHash } from 'node:crypto';
import { formatUnits, parseUnits } from '../../../../src/portfolio/money/amounts.ts';
import type { ExchangeFixture } from './exchange-stand-in.ts';
import { krakenAsset, krakenBalanceAssetId, krakenPairId } from './kraken-assets.ts';

/**
 * The fixture as Kraken's private endpoints hold it: BalanceEx entries, trades, ledger entries,
 * deposits and withdrawals, each with its time in Kraken's unit (fractional seconds; whole
 * seconds for funding, whose `time` is an integer).
 */
export interface KrakenLedgerEntry {
  id: string;
  refid: string;
  /** Milliseconds; served as fractional seconds. */
  ms: number;
  type: string;
  subtype: string;
  asset: string;
  amount: bigint;
  fee: bigint;
  decimals: number;
}

/** Kraken's amount text: the asset's decimals, always all of them (`0.1087194600`, `-25.0000`). */
export function krakenAmount(value: bigint, decimals: number): string {
  return formatUnits(value, decimals);
}

function units(text: string, symbol: string): bigint {
  const { decimals } = krakenAsset(symbol);
  const value = parseUnits(text, decimals);
  if (value === undefined) throw new Error(`${text} ${symbol} has more decimals than Kraken keeps (${decimals})`);
  return value;
}

/** A stable Kraken-looking id (an `L`, then groups of 5, 5 and 6 characters) for an entry the fixture does not name. */
function krakenId(prefix: string, seed: string): string {
  const hex = createHash('sha256')
    .update(seed)
    .digest('base64url')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, 'Q');
  return `${prefix}${hex.slice(0, 5)}-${hex.slice(5, 10)}-${hex.slice(10, 16)}`;
}

export function balanceResult(fixture: ExchangeFixture): Record<string, unknown> {
  const result: Record<string, { balance: string; hold_trade: string }> = {};
  for (const balance of fixture.balances) {
    const { decimals } = krakenAsset(balance.asset);
    const used = units(balance.used ?? '0', balance.asset);
    const total = units(balance.free, balance.asset) + used;
    result[krakenBalanceAssetId(balance.asset, balance.wallet)] = {
      balance: krakenAmount(total, decimals),
      hold_trade: krakenAmount(used, decimals),
    };
  }
  return result;
}

/** TradesHistory's entries, keyed by trade id. Kraken charges trade fees in the quote asset. */
export function tradeEntries(
  fixture: ExchangeFixture,
): Array<{ id: string; ms: number; body: Record<string, unknown> }> {
  return fixture.trades.map((trade, index) => {
    if (trade.fee.asset !== trade.quote)
      throw new Error(
        `Kraken's TradesHistory reports fees in the quote asset (${trade.quote}), not ${trade.fee.asset}`,
      );
    return {
      id: trade.id,
      ms: trade.timestamp,
      body: {
        ordertxid: trade.orderId ?? krakenId('O', trade.id),
        postxid: krakenId('T', `post ${trade.id}`),
        pair: krakenPairId(trade.base, trade.quote),
        time: trade.timestamp / 1000,
        type: trade.side,
        ordertype: 'limit',
        price: trade.price,
        cost: trade.cost,
        fee: trade.fee.amount,
        vol: trade.amount,
        margin: '0.00000',
        leverage: '0',
        misc: '',
        trade_id: 40_000_000 + index,
        maker: false,
      },
    };
  });
}

/** Every ledger entry the fixture implies: both legs of each trade, credited deposits, withdrawals, rewards, conversions. */
export function ledgerEntries(fixture: ExchangeFixture): KrakenLedgerEntry[] {
  const entries: KrakenLedgerEntry[] = [];
  // Ids derive from what the entry is, not its position, so they stay put when the fixture grows.
  const add = (refid: string, ms: number, type: string, subtype: string, symbol: string, amount: bigint, fee = 0n) =>
    entries.push({
      id: krakenId('L', `${refid} ${type} ${symbol}`),
      refid,
      ms,
      type,
      subtype,
      asset: krakenAsset(symbol).id,
      amount,
      fee,
      decimals: krakenAsset(symbol).decimals,
    });
  for (const t of fixture.trades) {
    const sign = t.side === 'buy' ? 1n : -1n;
    add(t.id, t.timestamp, 'trade', '', t.base, sign * units(t.amount, t.base));
    add(t.id, t.timestamp, 'trade', '', t.quote, -sign * units(t.cost, t.quote), units(t.fee.amount, t.quote));
  }
  for (const d of fixture.deposits.filter((d) => d.status === 'ok'))
    add(d.id, Math.floor(d.timestamp / 1000) * 1000, 'deposit', '', d.asset, units(d.amount, d.asset));
  for (const w of fixture.withdrawals.filter((w) => w.status !== 'failed'))
    add(
      w.id,
      Math.floor(w.timestamp / 1000) * 1000,
      'withdrawal',
      '',
      w.asset,
      -units(w.amount, w.asset),
      units(w.fee, w.asset),
    );
  // A reward is known by its ledger entry id (the fixture's id); its refid names the payout.
  for (const r of fixture.rewards) {
    const [type, subtype] = r.kind === 'staking' ? ['earn', 'reward'] : ['dividend', ''];
    add(krakenId('S', r.id), r.timestamp, type, subtype, r.asset, units(r.amount, r.asset));
    entries[entries.length - 1]!.id = r.id;
  }
  for (const c of fixture.conversions) {
    add(c.id, c.timestamp, 'spend', '', c.from.asset, -units(c.from.amount, c.from.asset));
    add(c.id, c.timestamp, 'receive', '', c.to.asset, units(c.to.amount, c.to.asset));
  }
  return entries;
}

/** A ledger entry as Ledgers answers it, with the asset's balance after it (running, oldest first). */
export function ledgerBodies(entries: KrakenLedgerEntry[]): Map<KrakenLedgerEntry, Record<string, unknown>> {
  const balances = new Map<string, bigint>();
  const bodies = new Map<KrakenLedgerEntry, Record<string, unknown>>();
  for (const entry of [...entries].sort((a, b) => a.ms - b.ms)) {
    const after = (balances.get(entry.asset) ?? 0n) + entry.amount - entry.fee;
    balances.set(entry.asset, after);
    bodies.set(entry, {
      aclass: 'currency',
      amount: krakenAmount(entry.amount, entry.decimals),
      asset: entry.asset,
      balance: krakenAmount(after, entry.decimals),
      fee: krakenAmount(entry.fee, entry.decimals),
      refid: entry.refid,
      time: entry.ms / 1000,
      type: entry.type,
      subtype: entry.subtype,
    });
  }
  return bodies;
}

/** Unified network code (the fixture's) → Kraken's network name, as ccxt's `withdrawMethods` maps it back. */
const NETWORK_NAMES: Record<string, string> = {
  BTC: 'Bitcoin',
  ERC20: 'Ethereum',
  TRC20: 'Tron',
  SOL: 'Solana',
  LTC: 'Litecoin',
  XRP: 'Ripple',
  DOGE: 'Dogecoin',
  ADA: 'Cardano',
  MATIC: 'Polygon',
  Optimism: 'Optimism',
};

const DEPOSIT_STATUS = { ok: 'Success', pending: 'Settled', failed: 'Failure' } as const;
const WITHDRAWAL_STATUS = { ok: 'Success', pending: 'Pending', failed: 'Failure' } as const;

type Funding = { ms: number; body: Record<string, unknown> };

/** DepositStatus / WithdrawStatus entries; `time` is whole seconds there. */
export function fundingEntries(fixture: ExchangeFixture): { deposits: Funding[]; withdrawals: Funding[] } {
  const common = (t: ExchangeFixture['deposits'][number]) => {
    const asset = krakenAsset(t.asset);
    const network = t.network ? (NETWORK_NAMES[t.network] ?? t.network) : undefined;
    return {
      ms: Math.floor(t.timestamp / 1000) * 1000,
      body: {
        method: network ?? asset.altname,
        aclass: 'currency',
        asset: asset.id,
        refid: t.id,
        txid: t.txid ?? '',
        info: t.address ?? '',
        amount: krakenAmount(units(t.amount, t.asset), asset.decimals),
        time: Math.floor(t.timestamp / 1000),
        ...(network ? { network } : {}),
      },
    };
  };
  return {
    deposits: fixture.deposits.map((d) => {
      const entry = common(d);
      Object.assign(entry.body, {
        fee: krakenAmount(0n, krakenAsset(d.asset).decimals),
        status: DEPOSIT_STATUS[d.status],
      });
      return entry;
    }),
    withdrawals: fixture.withdrawals.map((w) => {
      const entry = common(w);
      const fee = krakenAmount(units(w.fee, w.asset), krakenAsset(w.asset).decimals);
      Object.assign(entry.body, { fee, status: WITHDRAWAL_STATUS[w.status], key: 'my wallet' });
      return entry;
    }),
  };
}
