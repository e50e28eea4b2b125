import type { Exchange } from 'ccxt';
import { exchangeAsset } from '../../../assets/known-assets.ts';
import type { Category, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';
import type { ExtraHistory } from '../exchange-definition.ts';

/**
 * Binance histories the unified ccxt calls miss: asset dividends (staking, Simple Earn interest,
 * distributions and airdrops) and dust sweeps into BNB, read through ccxt's implicit methods.
 */

export interface DividendRow {
  id: number | string;
  tranId?: number | string;
  asset: string;
  amount: string;
  divTime: number;
  enInfo?: string;
}

export interface DribbletDetail {
  transId?: number | string;
  fromAsset: string;
  amount: string;
  transferedAmount: string;
  serviceChargeAmount?: string;
  operateTime?: number;
}

export interface Dribblet {
  transId: number | string;
  operateTime: number;
  userAssetDribbletDetails?: DribbletDetail[];
}

interface BinanceImplicit {
  sapiGetAssetAssetDividend(params: Record<string, unknown>): Promise<{ rows?: DividendRow[] }>;
  sapiGetAssetDribblet(params: Record<string, unknown>): Promise<{ userAssetDribblets?: Dribblet[] }>;
}

const PROVIDER = 'binance';
/** assetDividend: at most 500 rows a call and 180 days between startTime and endTime. */
const DIVIDEND_PAGE = 500;
/** dribblet answers the last 100 sweeps of the window asked. */
const DRIBBLET_PAGE = 100;

/** Binance's base units of `amount`, cut to the asset's decimals (Binance prints 8 digits). */
function units(amount: string, decimals: number): bigint {
  const [whole = '0', fraction = ''] = amount.split('.');
  return parseUnits(`${whole}.${fraction.slice(0, decimals)}`, decimals) ?? 0n;
}

/** A dividend's category from Binance's English label (`enInfo`). */
export function dividendCategory(enInfo: string | undefined): Category {
  const label = (enInfo ?? '').toLowerCase();
  if (/interest|savings/.test(label)) return 'interest';
  if (/distribution|airdrop/.test(label)) return 'airdrop';
  return 'staking_reward';
}

export function dividendTransaction(row: DividendRow): NormalizedTransaction {
  const asset = exchangeAsset(PROVIDER, row.asset);
  return {
    externalId: `dividends:${row.id}`,
    timestamp: row.divTime,
    status: 'confirmed',
    category: dividendCategory(row.enInfo),
    categorizationSource: 'provider',
    ...(row.enInfo ? { description: row.enInfo } : {}),
    inputs: [{ asset, quantity: units(row.amount, asset.decimals) }],
    outputs: [],
    fees: [],
  };
}

/** One coin swept into BNB: the coin out, the BNB in before Binance's service charge, the charge as a fee. */
export function dustTransaction(sweep: Dribblet, detail: DribbletDetail): NormalizedTransaction {
  const from = exchangeAsset(PROVIDER, detail.fromAsset);
  const bnb = exchangeAsset(PROVIDER, 'BNB');
  const charge = units(detail.serviceChargeAmount ?? '0', bnb.decimals);
  return {
    externalId: `dust:${sweep.transId}:${detail.fromAsset}`,
    timestamp: detail.operateTime ?? sweep.operateTime,
    status: 'confirmed',
    category: 'trade',
    categorizationSource: 'provider',
    description: 'Dust converted to BNB',
    inputs: [{ asset: bnb, quantity: units(detail.transferedAmount, bnb.decimals) + charge }],
    outputs: [{ asset: from, quantity: units(detail.amount, from.decimals) }],
    fees: charge > 0n ? [{ asset: bnb, quantity: charge, kind: 'exchange' }] : [],
  };
}

/**
 * Walks a newest-first endpoint backwards: the next page ends at the oldest time seen (inclusive,
 * so rows sharing that millisecond are not lost; already-seen ids are skipped).
 */
async function newestFirst<T>(
  since: number,
  until: number,
  pageSize: number,
  fetchPage: (endTime: number) => Promise<T[]>,
  keyOf: (row: T) => string,
  timeOf: (row: T) => number,
): Promise<T[]> {
  const seen = new Map<string, T>();
  let endTime = until;
  for (;;) {
    const rows = await fetchPage(endTime);
    const fresh = rows.filter((row) => !seen.has(keyOf(row)));
    fresh.forEach((row) => seen.set(keyOf(row), row));
    if (rows.length < pageSize || fresh.length === 0) break;
    endTime = Math.min(...rows.map(timeOf));
    if (endTime < since) break;
  }
  return [...seen.values()].filter((row) => timeOf(row) >= since && timeOf(row) <= until);
}

export const dividendHistory: ExtraHistory = {
  name: 'dividends',
  windowMs: 180 * 86_400_000,
  async fetch(exchange: Exchange, since: number, until: number) {
    const api = exchange as unknown as BinanceImplicit;
    const rows = await newestFirst(
      since,
      until,
      DIVIDEND_PAGE,
      async (endTime) =>
        (await api.sapiGetAssetAssetDividend({ startTime: since, endTime, limit: DIVIDEND_PAGE })).rows ?? [],
      (row) => String(row.id),
      (row) => row.divTime,
    );
    return rows.map(dividendTransaction);
  },
};

export const dustHistory: ExtraHistory = {
  name: 'dust',
  async fetch(exchange: Exchange, since: number, until: number) {
    const api = exchange as unknown as BinanceImplicit;
    const sweeps = await newestFirst(
      since,
      until,
      DRIBBLET_PAGE,
      async (endTime) => (await api.sapiGetAssetDribblet({ startTime: since, endTime })).userAssetDribblets ?? [],
      (sweep) => String(sweep.transId),
      (sweep) => sweep.operateTime,
    );
    return sweeps.flatMap((sweep) =>
      (sweep.userAssetDribbletDetails ?? []).map((detail) => dustTransaction(sweep, detail)),
    );
  },
};
