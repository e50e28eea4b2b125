import { parseUnits } from '../../../../src/portfolio/money/amounts.ts';

/** A decimal string as 18-decimal base units, so `"0.5000"` and `"0.5"` compare equal and `"0.51"` does not. */
export function decimal(value: unknown): bigint | undefined {
  return typeof value === 'string' ? parseUnits(value, 18) : undefined;
}
