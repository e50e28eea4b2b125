import type { AssetRepository, StoredAsset } from '../assets/asset-repository.ts';
import type { Keyset, TransactionRepository, TransactionRow } from '../ledger/transaction-repository.ts';
import { allLegs, parseLegs, type StoredFee, type StoredLeg } from '../ledger/stored-legs.ts';
import { formatUnits } from '../money/amounts.ts';
import { sumValues, valueOf, type CurrencyValue } from '../money/value.ts';
import { assetView, type AssetView } from './asset-view.ts';
import type { ListFilter } from './list-query.ts';

export interface LegView {
  asset: AssetView;
  quantity: string;
  value: CurrencyValue | null;
  address?: string;
  counterparty?: string;
}

export interface TransactionView {
  id: string;
  provider_id: string;
  connection_id: string;
  timestamp: number;
  status: string;
  type: string;
  categorization: { category: string; is_internal_transfer: boolean; is_spam: boolean; source: string };
  inputs: LegView[];
  outputs: LegView[];
  fees: { total: CurrencyValue | null; items: Array<LegView & { kind: string }> };
  tx_hash?: string;
  chain?: string;
  external_id: string;
  description?: string;
}

/** Normalized history, newest first, one keyset page at a time. */
export class TransactionsReader {
  constructor(private readonly deps: { transactions: TransactionRepository; assets: AssetRepository }) {}

  async read(
    userId: string,
    filter: ListFilter,
    after: Keyset | undefined,
    limit: number,
  ): Promise<{ transactions: TransactionView[]; nextAfter?: Keyset }> {
    const rows = await this.deps.transactions.page(userId, filter, after, limit + 1);
    const page = rows.slice(0, limit);
    const parsed = page.map((row) => ({ row, legs: parseLegs(row.legs) }));
    const assets = await this.deps.assets.findMany(parsed.flatMap((p) => allLegs(p.legs).map((l) => l.a)));
    const transactions = parsed.map(({ row, legs }) => view(row, legs, assets));
    const last = page[page.length - 1];
    return {
      transactions,
      ...(rows.length > limit && last ? { nextAfter: { timestamp: last.timestamp, id: last.id } } : {}),
    };
  }
}

function view(
  row: TransactionRow,
  legs: ReturnType<typeof parseLegs>,
  assets: Map<string, StoredAsset>,
): TransactionView {
  const leg = (l: StoredLeg): LegView => {
    const asset = assets.get(l.a)!;
    return {
      asset: assetView(asset),
      quantity: formatUnits(BigInt(l.q), asset.decimals),
      value: valueOf(BigInt(l.q), asset.decimals, l.p),
      ...(l.ad ? { address: l.ad } : {}),
      ...(l.cp ? { counterparty: l.cp } : {}),
    };
  };
  const fee = (f: StoredFee) => ({ ...leg(f), kind: f.k });
  const fees = legs.f.map(fee);
  return {
    id: row.id,
    provider_id: row.provider_id,
    connection_id: row.connection_id,
    timestamp: row.timestamp,
    status: row.status,
    type: row.type,
    categorization: {
      category: row.category,
      is_internal_transfer: row.is_internal_transfer === 1,
      is_spam: row.is_spam === 1,
      source: row.categorization_source,
    },
    inputs: legs.i.map(leg),
    outputs: legs.o.map(leg),
    fees: { total: sumValues(fees.map((f) => f.value)), items: fees },
    ...(row.tx_hash ? { tx_hash: row.tx_hash } : {}),
    ...(row.chain ? { chain: row.chain } : {}),
    external_id: row.external_id,
    ...(row.description ? { description: row.description } : {}),
  };
}
