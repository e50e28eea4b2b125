import { SourceError } from '../../errors.ts';
import type { NormalizedTransaction } from '../../ledger/normalized.ts';
import { sumBalances } from '../../ledger/sum-balances.ts';
import type { SourceAdapter, TransactionBatch } from '../source.ts';
import { CSV_FORMATS } from './formats.ts';

const DONE = 'imported';

/** A CSV file as a source: the whole file is one batch; balances are the sum of its rows. */
export function csvSource(format: string, content: string): SourceAdapter {
  const reader = CSV_FORMATS[format];
  let parsed: NormalizedTransaction[] | undefined;

  function rows(): NormalizedTransaction[] {
    if (!reader) throw new SourceError('invalid', `CSV format ${format} is unknown`);
    if (parsed) return parsed;
    const result = reader.parse(content);
    if (result.problems.length) throw new SourceError('invalid', `the stored CSV no longer parses: line ${result.problems[0]!.line}: ${result.problems[0]!.message}`);
    return (parsed = result.transactions);
  }

  return {
    async validate() {
      if (!reader) throw new SourceError('invalid', `CSV format ${format} is unknown`);
    },
    async fetchBalances() {
      return sumBalances(rows()).filter((b) => b.quantity !== 0n);
    },
    async fetchTransactions(cursor): Promise<TransactionBatch> {
      if (cursor === DONE) return { items: [], nextCursor: DONE, done: true };
      return { items: rows(), nextCursor: DONE, done: true };
    },
  };
}
