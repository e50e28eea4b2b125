import { exchangeAsset } from '../../assets/known-assets.ts';
import type { Category, NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';
import { parseUnits } from '../../money/amounts.ts';
import { parseCsvDate } from './csv-dates.ts';
import type { CsvFormat, CsvImport } from './csv-import.ts';
import { readRows, type CsvProblem, type CsvRow } from './read-rows.ts';

const COLUMNS = [
  'Date',
  'Received Quantity',
  'Received Currency',
  'Sent Quantity',
  'Sent Currency',
  'Fee Amount',
  'Fee Currency',
  'Tag',
];

const TAGS: Record<string, Category> = {
  transfer: 'transfer',
  deposit: 'deposit',
  withdrawal: 'withdrawal',
  trade: 'trade',
  buy: 'trade',
  sell: 'trade',
  swap: 'trade',
  staking: 'staking_reward',
  reward: 'staking_reward',
  'staking reward': 'staking_reward',
  mining: 'staking_reward',
  interest: 'interest',
  airdrop: 'airdrop',
  fee: 'fee',
  mint: 'mint',
  burn: 'burn',
  income: 'other',
  gift: 'other',
  other: 'other',
};

const EXCHANGE = 'csv';

/**
 * The universal template: Date, Received Quantity, Received Currency, Sent Quantity, Sent
 * Currency, Fee Amount, Fee Currency, Tag. One row is one event; an empty Tag is a trade when
 * both sides are filled, else a deposit or a withdrawal.
 */
export const universalFormat: CsvFormat = {
  exchange: EXCHANGE,
  async parse(content: string, maxRows: number): Promise<CsvImport> {
    const { rows, problems } = await readRows(content, COLUMNS, maxRows);
    const transactions: NormalizedTransaction[] = [];
    rows.forEach((row, index) => {
      const result = parseRow(row);
      // A linked file never changes, so its row number is a stable external id.
      if ('message' in result) problems.push(result);
      else transactions.push({ ...result, externalId: `row:${String(index + 1).padStart(8, '0')}` });
    });
    return { transactions, problems };
  },
};

function parseRow(row: CsvRow): Omit<NormalizedTransaction, 'externalId'> | CsvProblem {
  const fail = (message: string): CsvProblem => ({ line: row.line, message });
  const timestamp = parseCsvDate(row.get('Date'));
  if (timestamp === undefined)
    return fail(`Date "${row.get('Date')}" is not a date (use ISO 8601, e.g. 2024-03-01T12:00:00Z)`);
  const received = side(row, 'Received Quantity', 'Received Currency');
  if (typeof received === 'string') return fail(received);
  const sent = side(row, 'Sent Quantity', 'Sent Currency');
  if (typeof sent === 'string') return fail(sent);
  const fee = side(row, 'Fee Amount', 'Fee Currency');
  if (typeof fee === 'string') return fail(fee);
  if (!received && !sent && !fee) return fail('the row moves nothing: fill Received, Sent or Fee');
  const tag = row.get('Tag').toLowerCase();
  let category: Category;
  if (tag) {
    const known = TAGS[tag];
    if (!known) return fail(`Tag "${row.get('Tag')}" is unknown (use one of: ${Object.keys(TAGS).join(', ')})`);
    category = known;
  } else {
    category = received && sent ? 'trade' : received ? 'deposit' : sent ? 'withdrawal' : 'fee';
  }
  return {
    timestamp,
    status: 'confirmed',
    category,
    categorizationSource: 'provider',
    inputs: received ? [received] : [],
    outputs: sent ? [sent] : [],
    fees: fee ? [{ ...fee, kind: 'exchange' }] : [],
  };
}

/** One side of a row: nothing, a leg, or the reason it is unusable. */
function side(row: CsvRow, quantityColumn: string, currencyColumn: string): NormalizedLeg | undefined | string {
  const quantityText = row.get(quantityColumn);
  const currency = row.get(currencyColumn);
  if (!quantityText && !currency) return undefined;
  if (!currency) return `${quantityColumn} is set but ${currencyColumn} is empty`;
  if (!/^[A-Za-z0-9.]{1,20}$/.test(currency)) return `${currencyColumn} "${currency}" is not a currency symbol`;
  if (!quantityText) return `${currencyColumn} is set but ${quantityColumn} is empty`;
  const asset = exchangeAsset(EXCHANGE, currency);
  const quantity = parseUnits(quantityText.replace(/,/g, ''), asset.decimals);
  if (quantity === undefined)
    return `${quantityColumn} "${quantityText}" is not a decimal number with at most ${asset.decimals} decimals`;
  if (quantity < 0n) return `${quantityColumn} "${quantityText}" must not be negative`;
  if (quantity === 0n) return undefined;
  return { asset, quantity };
}
