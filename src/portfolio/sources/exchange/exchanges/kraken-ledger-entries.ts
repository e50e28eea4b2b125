import { exchangeAsset } from '../../../assets/known-assets.ts';
import type { Category, NormalizedFee, NormalizedLeg, NormalizedTransaction } from '../../../ledger/normalized.ts';
import { parseUnits } from '../../../money/amounts.ts';

/** One Kraken ledger entry, its asset already a ccxt code (`BTC`, `DOT.S`). */
export interface KrakenLedgerRow {
  id: string;
  refid: string;
  timestamp: number;
  type: string;
  subtype: string;
  code: string;
  /** Signed: negative when value left the account. */
  amount: string;
  fee: string;
}

/** Entries the trades and transfers calls already report, or moves between the person's own wallets. */
const SKIPPED = new Set(['trade', 'deposit', 'withdrawal', 'transfer']);
/** Halves of a conversion (Buy Crypto, dust): one spends, the other receives, under one refid. */
const CONVERSION_HALVES = new Set(['spend', 'receive', 'conversion']);
/** Earn subtypes that only move the person's own funds between spot and Earn. */
const EARN_MOVES = new Set(['allocation', 'deallocation', 'migration', 'autoallocation']);

/** What a Kraken ledger entry is, from its raw type and subtype. */
export function classifyKrakenEntry(
  row: Pick<KrakenLedgerRow, 'type' | 'subtype' | 'amount'>,
): Category | 'skip' | 'conversion' {
  if (SKIPPED.has(row.type)) return 'skip';
  if (CONVERSION_HALVES.has(row.type)) return 'conversion';
  if (row.type === 'earn') return EARN_MOVES.has(row.subtype) ? 'skip' : 'staking_reward';
  if (row.type === 'staking' && !row.amount.startsWith('-')) return 'staking_reward';
  if (row.type === 'dividend') return 'interest';
  // Margin, rollover, adjustment, credit, …: value moved, and nothing else reports it.
  return 'other';
}

/**
 * The symbol a Kraken balance code stands for: staked and Earn balances carry a suffix
 * (`DOT.S`, `BTC.M`, `USDC.F`, `DOT28.S` with a bonding period) and ETH2 is staked ether.
 */
export function krakenSymbol(code: string): string {
  const staked = /^(.+?)(?:\d\d)?\.(?:S|M|F|B|P)$/.exec(code);
  const symbol = staked ? staked[1]! : code;
  return symbol === 'ETH2' ? 'ETH' : symbol;
}

/** The transactions a window of ledger entries holds: rewards, interest, conversions, other moves. */
export function krakenLedgerTransactions(rows: KrakenLedgerRow[]): NormalizedTransaction[] {
  const result: NormalizedTransaction[] = [];
  const conversions = new Map<string, KrakenLedgerRow[]>();
  for (const row of rows) {
    const kind = classifyKrakenEntry(row);
    if (kind === 'skip') continue;
    if (kind === 'conversion') conversions.set(row.refid, [...(conversions.get(row.refid) ?? []), row]);
    else result.push(transaction(`ledger:${row.id}`, kind, [row]));
  }
  // A half whose partner lies outside the window keeps the refid's id: a later, whole read replaces it.
  for (const [refid, halves] of conversions) result.push(transaction(`ledger:${refid}`, 'trade', halves));
  // Dust below the asset's unit (a 10-decimal XBT reward under one satoshi) moves nothing here.
  const moved = result.filter((t) => t.inputs.length + t.outputs.length + t.fees.length > 0);
  return moved.sort((a, b) => a.timestamp - b.timestamp);
}

function transaction(externalId: string, category: Category, rows: KrakenLedgerRow[]): NormalizedTransaction {
  const inputs: NormalizedLeg[] = [];
  const outputs: NormalizedLeg[] = [];
  const fees: NormalizedFee[] = [];
  for (const row of rows) {
    const asset = exchangeAsset('kraken', krakenSymbol(row.code));
    const quantity = units(row.amount, asset.decimals);
    if (quantity > 0n) inputs.push({ asset, quantity });
    if (quantity < 0n) outputs.push({ asset, quantity: -quantity });
    const fee = units(row.fee, asset.decimals);
    if (fee > 0n) fees.push({ asset, quantity: fee, kind: 'exchange' });
  }
  return {
    externalId,
    timestamp: Math.min(...rows.map((row) => row.timestamp)),
    status: 'confirmed',
    category,
    categorizationSource: 'provider',
    inputs,
    outputs,
    fees,
  };
}

/** Kraken keeps 10 decimals for XBT (8 on chain): digits below the asset's unit are dropped. */
function units(text: string, decimals: number): bigint {
  const [whole = '0', fraction = ''] = text.trim().split('.');
  const value = parseUnits(fraction ? `${whole}.${fraction.slice(0, decimals)}` : whole, decimals);
  if (value === undefined) throw new Error(`Kraken ledger amount is not a decimal: ${JSON.stringify(text)}`);
  return value;
}
