import type { PositionRepository, PositionWithAsset } from '../ledger/position-repository.ts';
import { formatUnits, scaleUnits } from '../money/amounts.ts';
import { CURRENCY, valueOf, type CurrencyValue } from '../money/value.ts';
import type { PriceService } from '../prices/price-service.ts';
import { assetView, type AssetView } from './asset-view.ts';
import type { ListFilter } from './list-query.ts';

export interface AssetPosition {
  asset: AssetView & { is_spam: boolean };
  quantity: string;
  value: CurrencyValue | null;
  sources: Array<{
    provider_id: string;
    connection_id: string;
    quantity: string;
    value: CurrencyValue | null;
    updated_at: number;
  }>;
}

export interface AssetsPage {
  assets: AssetPosition[];
  total_value: CurrencyValue | null;
  /** Sort key of the last position, when more follow. */
  nextAfter?: string;
}

/**
 * Consolidated positions: one per asset group (BTC on an exchange and on chain are one), each
 * listing its sources, valued with cached current prices. Sorted by symbol then group. The
 * person's spam tokens are left out unless asked for; then each is a position of its own, and
 * never counts in the total.
 */
export class AssetsReader {
  constructor(private readonly deps: { positions: PositionRepository; prices: PriceService }) {}

  async read(userId: string, filter: ListFilter, after: string | undefined, limit: number): Promise<AssetsPage> {
    const rows = (
      await this.deps.positions.listForUser(userId, filter, filter.providerIds, filter.connectionIds)
    ).filter((row) => filter.includeSpam || !row.spam);
    const groups = new Map<string, PositionWithAsset[]>();
    for (const row of rows) {
      const group = row.spam ? `spam:${row.asset_id}` : row.asset.group_key;
      groups.set(group, [...(groups.get(group) ?? []), row]);
    }
    const prices = await this.deps.prices.current([
      ...new Set(rows.map((r) => r.asset.price_key).filter((k): k is string => !!k)),
    ]);
    let positions = [...groups].map(([group, members]) => {
      const lead = [...members].sort((a, b) => rank(a) - rank(b))[0]!;
      const decimals = Math.max(...members.map((m) => m.asset.decimals));
      const total = members.reduce((sum, m) => sum + scaleUnits(BigInt(m.quantity), m.asset.decimals, decimals), 0n);
      const price = lead.asset.price_key ? prices.get(lead.asset.price_key) : undefined;
      const position: AssetPosition = {
        asset: { ...assetView(lead.asset, decimals), is_spam: lead.spam },
        quantity: formatUnits(total, decimals),
        value: valueOf(total, decimals, price),
        sources: members.map((m) => ({
          provider_id: m.provider_id,
          connection_id: m.connection_id,
          quantity: formatUnits(BigInt(m.quantity), m.asset.decimals),
          value: valueOf(
            BigInt(m.quantity),
            m.asset.decimals,
            m.asset.price_key ? prices.get(m.asset.price_key) : undefined,
          ),
          updated_at: m.updated_at,
        })),
      };
      return { key: `${lead.asset.symbol}\u0000${group}`, position };
    });
    if (filter.symbols?.length)
      positions = positions.filter((p) => filter.symbols!.includes(p.position.asset.symbol.toUpperCase()));
    positions.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const total = totalOf(positions.filter((p) => !p.position.asset.is_spam).map((p) => p.position.value));
    const rest = after === undefined ? positions : positions.filter((p) => p.key > after);
    const page = rest.slice(0, limit);
    return {
      assets: page.map((p) => p.position),
      total_value: total,
      ...(rest.length > limit ? { nextAfter: page[page.length - 1]!.key } : {}),
    };
  }
}

/** The member that names a consolidated position: on-chain native first, then tokens, then exchanges. */
function rank(row: PositionWithAsset): number {
  if (row.asset.chain && row.asset.reference === 'native') return 0;
  if (row.asset.chain) return 1;
  return 2;
}

/** Sum of the positions that have a value; null when none has. */
function totalOf(values: Array<CurrencyValue | null>): CurrencyValue | null {
  const known = values.filter((v): v is CurrencyValue => v !== null);
  if (known.length === 0) return null;
  const cents = known.reduce((sum, v) => sum + BigInt(v.amount.replace('.', '')), 0n);
  return { amount: formatUnits(cents, 2), currency: CURRENCY };
}
