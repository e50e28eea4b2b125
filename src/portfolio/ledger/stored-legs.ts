import type { PricePoint } from '../money/value.ts';

/** A leg as stored in `portfolio_transactions.legs`: asset id, base units, price at its time. */
export interface StoredLeg {
  a: string;
  q: string;
  ad?: string;
  cp?: string;
  /** Price at the transaction's time (absent: unknown). */
  p?: PricePoint;
}

export interface StoredFee {
  a: string;
  q: string;
  k: 'network' | 'exchange';
  p?: PricePoint;
}

export interface StoredLegs {
  i: StoredLeg[];
  o: StoredLeg[];
  f: StoredFee[];
}

export function parseLegs(text: string): StoredLegs {
  return JSON.parse(text) as StoredLegs;
}

export function allLegs(legs: StoredLegs): Array<StoredLeg | StoredFee> {
  return [...legs.i, ...legs.o, ...legs.f];
}
