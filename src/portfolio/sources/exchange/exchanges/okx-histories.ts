import type { Exchange, okx as OkxClient } from 'ccxt';
import type { ExtraHistory } from '../exchange-definition.ts';
import { conversionTransaction, rewardTransaction } from './normalized-legs.ts';

/** OKX's largest page on every history endpoint read here. */
const PAGE = 100;

/**
 * Funding-account bill types that are rewards (`GET /api/v5/asset/bills-history`, kept since
 * February 2021). Subscriptions, redemptions and conversions are moves the other streams report.
 */
const REWARD_BILL_TYPES: Record<string, 'staking_reward' | 'interest'> = {
  '83': 'staking_reward', // On-chain earn / staking yield
  '139': 'staking_reward', // ETH staking earnings
  '99': 'interest', // Simple Earn Fixed and loan interest paid to the lender
};

/** Staking and fixed-term interest paid into the funding account. */
export const okxStakingRewards: ExtraHistory = {
  name: 'earn-bills',
  async fetch(exchange, since, until) {
    const rows = await readNewestFirst(exchange, 'privateGetAssetBillsHistory', since, until, (row) => row.billId);
    return rows.flatMap((row) => {
      const category = REWARD_BILL_TYPES[row.type ?? ''];
      if (!category) return [];
      return rewardTransaction('okx', {
        externalId: `earn-bills:${row.billId}`,
        category,
        symbol: row.ccy,
        amount: row.balChg,
        timestamp: Number(row.ts),
      });
    });
  },
};

/** Simple Earn Flexible: interest is paid hourly into the savings balance; each hour is one row. */
export const okxSavingsInterest: ExtraHistory = {
  name: 'savings-interest',
  async fetch(exchange, since, until) {
    const rows = await readNewestFirst(
      exchange,
      'privateGetFinanceSavingsLendingHistory',
      since,
      until,
      (row) => `${row.ccy}:${row.ts}`,
    );
    return rows.flatMap((row) =>
      rewardTransaction('okx', {
        externalId: `savings-interest:${row.ccy}:${row.ts}`,
        category: 'interest',
        symbol: row.ccy,
        amount: row.earnings,
        timestamp: Number(row.ts),
      }),
    );
  },
};

/** Convert (the quote-request swap, not the order book): one row per completed conversion. */
export const okxConversions: ExtraHistory = {
  name: 'convert',
  async fetch(exchange, since, until) {
    const rows = await readNewestFirst(exchange, 'privateGetAssetConvertHistory', since, until, (row) => row.tradeId);
    return rows.flatMap((row) => {
      if (row.state !== 'fullyFilled') return [];
      const base = { symbol: row.baseCcy, amount: row.fillBaseSz };
      const quote = { symbol: row.quoteCcy, amount: row.fillQuoteSz };
      const bought = row.side === 'buy';
      return conversionTransaction('okx', {
        externalId: `convert:${row.tradeId}`,
        timestamp: Number(row.ts),
        description: `Convert ${row.instId}`,
        received: bought ? base : quote,
        given: bought ? quote : base,
      });
    });
  },
};

type OkxRow = Record<string, string | undefined>;
type ReadMethod =
  'privateGetAssetBillsHistory' | 'privateGetFinanceSavingsLendingHistory' | 'privateGetAssetConvertHistory';

/**
 * Every row of [since, until] from an endpoint that pages by timestamp and answers newest first
 * (`before`/`after` are exclusive bounds in ms). A full page moves `after` to its oldest row;
 * `after` stays one ms above it so rows sharing that ms are not skipped, and repeats are dropped.
 */
async function readNewestFirst(
  exchange: Exchange,
  method: ReadMethod,
  since: number,
  until: number,
  key: (row: OkxRow) => string | undefined,
): Promise<OkxRow[]> {
  const client = exchange as OkxClient;
  const seen = new Map<string, OkxRow>();
  let after = until + 1;
  for (;;) {
    const request: Record<string, string> = { after: String(after), limit: String(PAGE) };
    if (since > 0) request.before = String(since - 1);
    const response = (await client[method](request)) as { data?: OkxRow[] };
    const page = response.data ?? [];
    let added = 0;
    for (const row of page) {
      const id = key(row);
      if (id !== undefined && !seen.has(id)) {
        seen.set(id, row);
        added += 1;
      }
    }
    if (page.length < PAGE || added === 0) break;
    after = Math.min(...page.map((row) => Number(row.ts))) + 1;
  }
  return [...seen.values()];
}
