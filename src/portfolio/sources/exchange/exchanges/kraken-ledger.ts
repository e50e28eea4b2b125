import type { Exchange } from 'ccxt';
import type { ExtraHistory } from '../exchange-definition.ts';
import { krakenLedgerTransactions, type KrakenLedgerRow } from './kraken-ledger-entries.ts';

/** Ledgers answers this many entries a call, newest first; `ofs` skips the newest ones. */
const PAGE_SIZE = 50;

interface RawLedgerEntry {
  refid?: string;
  time?: number;
  type?: string;
  subtype?: string;
  asset?: string;
  amount?: string;
  fee?: string;
}

interface LedgersResponse {
  result?: { ledger?: Record<string, RawLedgerEntry>; count?: number };
}

/**
 * Kraken's ledger (Ledgers), the only place its staking and Earn rewards, opt-in interest and
 * Buy-Crypto conversions appear. Read with the `ofs` paging Kraken documents: one `start`/`end`
 * window, offsets of 50 until `count` entries are read (newest first, so forward paging by
 * time would miss all but the newest page).
 */
export const krakenLedgerHistory: ExtraHistory = {
  name: 'ledger',
  async fetch(exchange: Exchange, since: number, until: number) {
    await exchange.loadMarkets();
    const rows: KrakenLedgerRow[] = [];
    // `start` is exclusive and `end` inclusive, both whole seconds: widen, then trim to [since, until].
    const window = { start: Math.ceil(since / 1000) - 1, end: Math.ceil(until / 1000) };
    for (let offset = 0; ;) {
      const response = (await exchange.privatePostLedgers({ ...window, ofs: offset })) as LedgersResponse;
      const page = Object.entries(response.result?.ledger ?? {});
      for (const [id, entry] of page) rows.push(toRow(exchange, id, entry));
      offset += page.length;
      if (page.length < PAGE_SIZE || offset >= (response.result?.count ?? 0)) break;
    }
    const inWindow = rows.filter((row) => row.timestamp >= since && row.timestamp <= until);
    return krakenLedgerTransactions(uniqueById(inWindow));
  },
};

function toRow(exchange: Exchange, id: string, entry: RawLedgerEntry): KrakenLedgerRow {
  return {
    id,
    refid: entry.refid ?? id,
    // ccxt's own conversion, so ledger times match the trades and transfers ccxt parses.
    timestamp: exchange.safeTimestamp(entry, 'time') ?? 0,
    type: entry.type ?? '',
    subtype: entry.subtype ?? '',
    code: exchange.safeCurrencyCode(entry.asset ?? '') ?? entry.asset ?? '',
    amount: String(entry.amount ?? '0'),
    fee: String(entry.fee ?? '0'),
  };
}

/** New entries arriving while paging shift the offsets: an entry may then be read twice. */
function uniqueById(rows: KrakenLedgerRow[]): KrakenLedgerRow[] {
  return [...new Map(rows.map((row) => [row.id, row])).values()];
}
