import type { kucoin as KucoinClient } from 'ccxt';
import type { ExtraHistory } from '../exchange-definition.ts';
import { conversionTransaction, rewardTransaction } from './normalized-legs.ts';

const DAY = 86_400_000;
/** `GET /api/v1/accounts/ledgers` covers at most 24 hours per call. */
const LEDGER_SPAN = DAY;
const LEDGER_PAGE = 500;
const CONVERT_PAGE = 100;

/**
 * Ledger business types that are rewards, as KuCoin names them. KuCoin documents no interest
 * type: Earn's interest arrives as "Other rewards". Deposits, transfers and Instant Exchange
 * entries are skipped (the transfer and conversion streams report them).
 */
const REWARD_BIZ_TYPES: Record<string, 'staking_reward' | 'interest' | 'airdrop'> = {
  'Staking Profits': 'staking_reward',
  'Soft Staking Profits': 'staking_reward',
  'Voting Earnings': 'staking_reward',
  'Other rewards': 'interest',
  'KuCoin Bonus': 'airdrop',
  Rewards: 'airdrop',
  'Airdrop/Fork': 'airdrop',
};

/** Rewards paid into any classic account (funding included), one 24-hour slice at a time. */
export const kucoinLedgerRewards: ExtraHistory = {
  name: 'ledger-rewards',
  windowMs: LEDGER_SPAN,
  async fetch(exchange, since, until) {
    const client = exchange as KucoinClient;
    const rows: LedgerRow[] = [];
    for (let start = since; start <= until; start += LEDGER_SPAN) {
      const end = Math.min(until, start + LEDGER_SPAN - 1);
      rows.push(
        ...(await readPages<LedgerRow>((page) =>
          client.privateGetAccountsLedgers({
            startAt: start,
            endAt: end,
            direction: 'in',
            currentPage: page,
            pageSize: LEDGER_PAGE,
          }),
        )),
      );
    }
    return rows.flatMap((row) => {
      const category = REWARD_BIZ_TYPES[row.bizType ?? ''];
      if (!category || row.direction !== 'in') return [];
      return rewardTransaction('kucoin', {
        externalId: `ledger-rewards:${row.id}`,
        category,
        symbol: row.currency,
        amount: row.amount,
        timestamp: Number(row.createdAt),
      });
    });
  },
};

/** Convert orders (KuCoin's quote-based swap), completed ones only. */
export const kucoinConversions: ExtraHistory = {
  name: 'convert',
  async fetch(exchange, since, until) {
    const client = exchange as KucoinClient;
    const rows = await readPages<ConvertRow>((page) =>
      client.privateGetConvertOrderHistory({ startAt: since, endAt: until, page, pageSize: CONVERT_PAGE }),
    );
    return rows.flatMap((row) => {
      if (row.status !== 'SUCCESS') return [];
      return conversionTransaction('kucoin', {
        externalId: `convert:${row.orderId}`,
        timestamp: Number(row.orderTime),
        description: `Convert ${row.fromCurrency} to ${row.toCurrency}`,
        received: { symbol: row.toCurrency, amount: row.toCurrencySize },
        given: { symbol: row.fromCurrency, amount: row.fromCurrencySize },
      });
    });
  },
};

type LedgerRow = Partial<Record<'id' | 'currency' | 'amount' | 'bizType' | 'direction' | 'createdAt', string>>;
type ConvertRow = Partial<
  Record<
    'orderId' | 'fromCurrency' | 'toCurrency' | 'fromCurrencySize' | 'toCurrencySize' | 'orderTime' | 'status',
    string
  >
>;
type PageEnvelope<T> = { data?: { items?: T[]; totalPage?: number } };

/** Every item of a `currentPage`/`totalPage` listing. */
async function readPages<T>(fetchPage: (page: number) => Promise<unknown>): Promise<T[]> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const response = (await fetchPage(page)) as PageEnvelope<T>;
    items.push(...(response.data?.items ?? []));
    if (page >= (response.data?.totalPage ?? 0)) return items;
  }
}
