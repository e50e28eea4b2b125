import type { NormalizedTransaction } from '../../ledger/normalized.ts';
import type { CsvProblem } from './read-rows.ts';

/** A parsed CSV file: every row normalized, or the problems that make the file unusable. */
export interface CsvImport {
  transactions: NormalizedTransaction[];
  problems: CsvProblem[];
}

/** Reads one CSV format; `exchange` names the asset namespace (`exchange:<exchange>`). */
export interface CsvFormat {
  exchange: string;
  /** Runs on the CSV worker thread (see parse-off-thread.ts), never on the event loop. */
  parse(content: string, maxRows: number): Promise<CsvImport>;
}
