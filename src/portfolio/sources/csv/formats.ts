import type { CsvFormat } from './csv-import.ts';
import { krakenLedgerFormat } from './kraken-ledger.ts';
import { universalFormat } from './universal.ts';

/** CSV formats by the name a CsvConnection's `format` uses; `universal` is the default. */
export const CSV_FORMATS: Record<string, CsvFormat> = {
  universal: universalFormat,
  kraken: krakenLedgerFormat,
};
