import { SourceError } from '../../errors.ts';
import type { BalanceItem, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { CSV_FORMATS } from './formats.ts';
import { parseCsvOffThread, type CsvLimits } from './parse-off-thread.ts';

const DONE = 'imported';
/** Transactions stored per batch: each batch is one short database transaction, so other requests run between them. */
const BATCH = 1000;

/** A CSV file as a source, parsed on the CSV worker; its rows are stored in batches; balances are the sum of its rows. */
export function csvSource(format: string, content: string, limits: CsvLimits): SourceAdapter {
  let parsed: Promise<{ transactions: NormalizedTransaction[]; balances: BalanceItem[] }> | undefined;

  function rows() {
    parsed ??= parseCsvOffThread({ mode: 'read', format, content, ...limits }).then((result) => {
      const first = result.problems[0];
      if (first) throw new SourceError('invalid', `the stored CSV no longer parses: line ${first.line}: ${first.message}`);
      return result;
    });
    return parsed;
  }

  return {
    async validate() {
      if (!CSV_FORMATS[format]) throw new SourceError('invalid', `CSV format ${format} is unknown`);
    },
    async fetchBalances() {
      return (await rows()).balances.filter((b) => b.quantity !== 0n);
    },
    async fetchTransactions(cursor): Promise<TransactionBatch> {
      if (cursor === DONE) return { items: [], nextCursor: DONE, done: true };
      const { transactions } = await rows();
      const from = cursor?.startsWith('row:') ? Number(cursor.slice(4)) : 0;
      const to = from + BATCH;
      const done = to >= transactions.length;
      return { items: transactions.slice(from, to), nextCursor: done ? DONE : `row:${to}`, done };
    },
  };
}
