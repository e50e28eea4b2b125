import { bitcoinKind } from './bitcoin/bitcoin-kind.ts';
import { csvKind } from './csv/csv-kind.ts';
import { evmKind } from './evm/evm-kind.ts';
import { exchangeKind } from './exchange/exchange-kind.ts';
import { solanaKind } from './solana/solana-kind.ts';
import type { SourceKind } from './source-kind.ts';

/** Every source kind this build can read, in catalogue order. A new source adds one line here. */
export const SOURCE_KINDS: SourceKind[] = [exchangeKind, evmKind, bitcoinKind, solanaKind, csvKind];

export function sourceKind(kind: string): SourceKind | undefined {
  return SOURCE_KINDS.find((k) => k.kind === kind);
}
