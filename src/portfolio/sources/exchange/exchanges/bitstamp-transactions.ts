import { exchangeAsset } from '../../../assets/known-assets.ts';
import type { Category, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';

/** One user_transactions row: fixed fields, then one signed amount per currency (`btc`, `usd`) and a rate per pair (`btc_usd`). */
export type BitstampRow = Record<string, unknown>;

/**
 * user_transactions `type` codes: 0 deposit, 1 withdrawal, 2 market trade, 14 sub-account
 * transfer, 25 credited with staked assets, 26 sent to staking, 27 staking reward, 32 referral
 * reward, 33 settlement transfer, 35 inter-account transfer.
 */
const CATEGORIES: Record<string, Category | 'skip'> = {
  '0': 'deposit',
  // fetchWithdrawals (withdrawal-requests) reports withdrawals, with their txids and addresses.
  '1': 'skip',
  // fetchMyTrades reports market trades.
  '2': 'skip',
  // Moves between the person's own accounts and the staking wallet.
  '14': 'skip',
  '25': 'skip',
  '26': 'skip',
  '33': 'skip',
  '35': 'skip',
  '27': 'staking_reward',
  // Paid for bringing someone in, not for holding: closest to an airdrop.
  '32': 'airdrop',
};

/** Keys of a row that are not currency amounts. */
const FIXED = new Set(['id', 'datetime', 'type', 'fee', 'order_id', 'status', 'price']);

/** The category of a user_transactions row, by its type code; unknown codes are `other`. */
export function classifyBitstampRow(row: BitstampRow): Category | 'skip' {
  return CATEGORIES[String(row['type'])] ?? 'other';
}

/** Bitstamp's UTC `2024-01-02 03:04:05.678000` (microseconds optional) in ms. */
export function bitstampTime(datetime: string): number {
  const match = /^(\d{4}-\d\d-\d\dT?\s?\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?$/.exec(datetime.trim());
  if (!match) throw new Error(`Bitstamp datetime not understood: ${JSON.stringify(datetime)}`);
  const whole = Date.parse(`${match[1]!.replace(' ', 'T')}Z`);
  return whole + Number((match[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/**
 * The transactions user_transactions rows hold besides trades and withdrawals: deposits,
 * staking and referral rewards. ccxt 4.5 cannot read these rows itself: it finds a row's
 * currency by the first amount whose integer part is non-zero, so 0.5 BTC has no currency.
 */
export function bitstampTransactions(rows: BitstampRow[]): NormalizedTransaction[] {
  const result: NormalizedTransaction[] = [];
  for (const row of rows) {
    const category = classifyBitstampRow(row);
    if (category === 'skip') continue;
    const inputs = [];
    const outputs = [];
    for (const [key, value] of Object.entries(row)) {
      if (FIXED.has(key) || key.includes('_')) continue;
      const asset = exchangeAsset('bitstamp', key);
      const quantity = units(value, asset.decimals);
      if (quantity > 0n) inputs.push({ asset, quantity });
      if (quantity < 0n) outputs.push({ asset, quantity: -quantity });
    }
    const fee = units(row['fee'] ?? '0', inputs[0]?.asset.decimals ?? outputs[0]?.asset.decimals ?? 18);
    const feeAsset = inputs[0]?.asset ?? outputs[0]?.asset;
    // A crypto deposit comes from outside: a receive even without the sender (fiat stays input_only).
    const receive = category === 'deposit' && inputs.length === 1 && !inputs[0]!.asset.priceKey?.startsWith('fiat:');
    result.push({
      ...(receive ? { type: 'receive' as const } : {}),
      externalId: `user-transactions:${String(row['id'])}`,
      timestamp: bitstampTime(String(row['datetime'])),
      status: 'confirmed',
      category,
      categorizationSource: 'provider',
      inputs,
      outputs,
      fees: feeAsset && fee > 0n ? [{ asset: feeAsset, quantity: fee, kind: 'exchange' }] : [],
    });
  }
  return result.filter((t) => t.inputs.length + t.outputs.length > 0).sort((a, b) => a.timestamp - b.timestamp);
}

/** Amounts come as strings or bare numbers (`0.0`); digits below the asset's unit are dropped. */
function units(value: unknown, decimals: number): bigint {
  const text = String(value);
  const [whole = '0', fraction = ''] = text.trim().split('.');
  const parsed = parseUnits(fraction ? `${whole}.${fraction.slice(0, decimals)}` : whole, decimals);
  if (parsed === undefined) throw new Error(`Bitstamp amount is not a decimal: ${JSON.stringify(value)}`);
  return parsed;
}
