import { Decimal } from 'decimal.js';
import { formatUnits } from './amounts.ts';

/** The valuation currency of the Platform API. */
export const CURRENCY = 'USD';

export interface PricePoint {
  price: string;
  at: number;
  source: string;
}

export interface CurrencyValue {
  amount: string;
  currency: string;
  price?: string;
  priced_at?: number;
  price_source?: string;
}

/** quantity × price in fiat, with decimal.js; null when no price is known (never invented). */
export function valueOf(quantity: bigint, decimals: number, price: PricePoint | undefined): CurrencyValue | null {
  if (!price) return null;
  const amount = new Decimal(formatUnits(quantity, decimals)).times(price.price);
  return {
    amount: amount.toFixed(2, Decimal.ROUND_HALF_EVEN),
    currency: CURRENCY,
    price: price.price,
    priced_at: price.at,
    price_source: price.source,
  };
}

/** The sum of values, or null when any is null (a total is never made of guesses). */
export function sumValues(values: Array<CurrencyValue | null>): CurrencyValue | null {
  let total = new Decimal(0);
  for (const value of values) {
    if (!value) return null;
    total = total.plus(value.amount);
  }
  return { amount: total.toFixed(2, Decimal.ROUND_HALF_EVEN), currency: CURRENCY };
}
