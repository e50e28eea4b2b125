import { Decimal } from 'decimal.js';
import type { Portfolio } from '../portfolio.ts';

/** What one linked connection holds, largest value first: "2 ETH ($6,001.00)". */
export type Holdings = Map<string, string[]>;

const SHOWN = 4;

/**
 * Each connection's balances as the person's pages show them, from the same consolidated read
 * the Platform API answers (so the widget and the app never disagree).
 */
export async function holdingsOf(portfolio: Portfolio, userId: string): Promise<Holdings> {
  const { assets } = await portfolio.assetsReader.read(userId, {}, undefined, 10_000);
  const byConnection = new Map<string, Array<{ text: string; usd: Decimal }>>();
  for (const position of assets) {
    for (const source of position.sources) {
      const usd = source.value ? new Decimal(source.value.amount) : new Decimal(-1);
      const text = `${readable(source.quantity)} ${position.asset.symbol}${source.value ? ` (${dollars(source.value.amount)})` : ''}`;
      byConnection.set(source.connection_id, [...(byConnection.get(source.connection_id) ?? []), { text, usd }]);
    }
  }
  const out: Holdings = new Map();
  for (const [id, list] of byConnection) {
    const sorted = list.sort((a, b) => b.usd.comparedTo(a.usd));
    const more = sorted.length - SHOWN;
    out.set(id, [...sorted.slice(0, SHOWN).map((h) => h.text), ...(more > 0 ? [`${more} more`] : [])]);
  }
  return out;
}

/** "2.000000000000000000" → "2"; "0.123456789" → "0.123457": six decimals are enough to read. */
function readable(quantity: string): string {
  const value = new Decimal(quantity);
  const shown = value.gte(1) ? value.toDecimalPlaces(6, Decimal.ROUND_DOWN) : value.toSignificantDigits(6);
  return Number(shown.toFixed()).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

function dollars(amount: string): string {
  return Number(amount).toLocaleString('en-US', { style: 'currency', currency: 'USD' });
}
