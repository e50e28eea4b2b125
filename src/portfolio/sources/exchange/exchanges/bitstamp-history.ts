import type { Exchange } from 'ccxt';
import type { ExtraHistory } from '../exchange-definition.ts';
import { bitstampTime, bitstampTransactions, type BitstampRow } from './bitstamp-transactions.ts';

/** user_transactions answers at most 1000 rows a call; `offset` may not pass 200000. */
const PAGE_SIZE = 1000;
const MAX_OFFSET = 200_000;

/**
 * Deposits, staking and referral rewards from user_transactions (ccxt has no fetchDeposits for
 * Bitstamp, and its fetchLedger loses the currency of amounts under 1). Pages newest first by
 * `offset` and stops at the first row older than `since`: an incremental sync reads one page.
 * `since_timestamp` would be cheaper, but Bitstamp accepts it only within the last 30 days.
 */
export const bitstampUserTransactions: ExtraHistory = {
  name: 'user-transactions',
  async fetch(exchange: Exchange, since: number, until: number) {
    const rows: BitstampRow[] = [];
    for (let offset = 0; offset <= MAX_OFFSET; offset += PAGE_SIZE) {
      const page = (await exchange.privatePostUserTransactions({
        offset,
        limit: PAGE_SIZE,
        sort: 'desc',
      })) as BitstampRow[];
      for (const row of page) {
        const at = bitstampTime(String(row['datetime']));
        if (at >= since && at <= until) rows.push(row);
      }
      const oldest = page.at(-1);
      if (page.length < PAGE_SIZE || !oldest || bitstampTime(String(oldest['datetime'])) < since) break;
    }
    return bitstampTransactions(rows);
  },
};
