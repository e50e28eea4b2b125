import { exchangeAsset } from '../../assets/known-assets.ts';
import type { Category, NormalizedFee, NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';
import { parseUnits } from '../../money/amounts.ts';
import { parseCsvDate } from './csv-dates.ts';
import type { CsvFormat, CsvImport } from './csv-import.ts';
import { readRows, type CsvProblem, type CsvRow } from './read-rows.ts';

const COLUMNS = ['txid', 'refid', 'time', 'type', 'asset', 'amount', 'fee'];
const EXCHANGE = 'kraken';

const TYPES: Record<string, Category> = {
  trade: 'trade',
  spend: 'trade',
  receive: 'trade',
  deposit: 'deposit',
  withdrawal: 'withdrawal',
  staking: 'staking_reward',
  earn: 'staking_reward',
  transfer: 'transfer',
  margin: 'trade',
  rollover: 'fee',
  adjustment: 'other',
  settled: 'trade',
  sale: 'trade',
  dividend: 'interest',
};

/** Kraken's legacy asset codes (X/Z prefixes, XBT, XDG) and staking suffixes (`.S`, `.M`, …). */
export function krakenSymbol(code: string): string {
  const base = code
    .toUpperCase()
    .replace(/\.(S|M|F|B|P|HOLD)$/, '')
    .replace(/^ETH2$/, 'ETH');
  const stripped = /^[XZ][A-Z]{3}$/.test(base) ? base.slice(1) : base;
  return ({ XBT: 'BTC', XDG: 'DOGE' } as Record<string, string>)[stripped] ?? stripped;
}

interface Entry {
  row: CsvRow;
  refid: string;
  timestamp: number;
  category: Category;
  leg?: { direction: 'in' | 'out'; leg: NormalizedLeg };
  fee?: NormalizedFee;
}

/**
 * Kraken's ledger export (ledgers.csv): one row per balance change, grouped by `refid` into one
 * event (a trade is a negative and a positive row); `fee` is charged in the row's asset.
 */
export const krakenLedgerFormat: CsvFormat = {
  exchange: EXCHANGE,
  async parse(content: string, maxRows: number): Promise<CsvImport> {
    const { rows, problems } = await readRows(content, COLUMNS, maxRows);
    const groups = new Map<string, Entry[]>();
    for (const row of rows) {
      const entry = parseEntry(row);
      if ('message' in entry) {
        problems.push(entry);
        continue;
      }
      groups.set(entry.refid, [...(groups.get(entry.refid) ?? []), entry]);
    }
    const transactions = [...groups.values()].map(toTransaction);
    return { transactions, problems };
  },
};

function parseEntry(row: CsvRow): Entry | CsvProblem {
  const fail = (message: string): CsvProblem => ({ line: row.line, message });
  const refid = row.get('refid') || row.get('txid');
  if (!refid) return fail('txid and refid are empty');
  const timestamp = parseCsvDate(row.get('time'));
  if (timestamp === undefined) return fail(`time "${row.get('time')}" is not a date`);
  const category = TYPES[row.get('type').toLowerCase()];
  if (!category) return fail(`type "${row.get('type')}" is not a Kraken ledger type`);
  const code = row.get('asset');
  if (!/^[A-Za-z0-9.]{1,20}$/.test(code)) return fail(`asset "${code}" is not an asset code`);
  const asset = exchangeAsset(EXCHANGE, krakenSymbol(code));
  const amount = parseUnits(row.get('amount'), asset.decimals);
  if (amount === undefined)
    return fail(`amount "${row.get('amount')}" is not a decimal number with at most ${asset.decimals} decimals`);
  const feeText = row.get('fee') || '0';
  const fee = parseUnits(feeText, asset.decimals);
  if (fee === undefined || fee < 0n) return fail(`fee "${feeText}" is not a non-negative decimal number`);
  return {
    row,
    refid,
    timestamp,
    category,
    ...(amount !== 0n
      ? { leg: { direction: amount > 0n ? 'in' : 'out', leg: { asset, quantity: amount > 0n ? amount : -amount } } }
      : {}),
    ...(fee > 0n ? { fee: { asset, quantity: fee, kind: 'exchange' } } : {}),
  } as Entry;
}

function toTransaction(entries: Entry[]): NormalizedTransaction {
  const first = entries[0]!;
  return {
    externalId: `kraken:${first.refid}`,
    timestamp: Math.min(...entries.map((e) => e.timestamp)),
    status: 'confirmed',
    category: entries.find((e) => e.category === 'trade')?.category ?? first.category,
    categorizationSource: 'provider',
    inputs: entries.flatMap((e) => (e.leg?.direction === 'in' ? [e.leg.leg] : [])),
    outputs: entries.flatMap((e) => (e.leg?.direction === 'out' ? [e.leg.leg] : [])),
    fees: entries.flatMap((e) => (e.fee ? [e.fee] : [])),
  };
}
