import { parseLegs } from '../ledger/stored-legs.ts';

/**
 * Balances of a source that reports none (a CSV): what came in minus what went out and the
 * fees, per asset. A failed transaction moved nothing but its fees.
 */
export function balancesFromLedger(
  rows: Array<{ legs: string; status: string }>,
): Array<{ assetId: string; quantity: bigint }> {
  const totals = new Map<string, bigint>();
  const add = (asset: string, delta: bigint) => totals.set(asset, (totals.get(asset) ?? 0n) + delta);
  for (const row of rows) {
    const legs = parseLegs(row.legs);
    if (row.status !== 'failed') {
      for (const leg of legs.i) add(leg.a, BigInt(leg.q));
      for (const leg of legs.o) add(leg.a, -BigInt(leg.q));
    }
    for (const fee of legs.f) add(fee.a, -BigInt(fee.q));
  }
  return [...totals].map(([assetId, quantity]) => ({ assetId, quantity }));
}
