import { assetId, type AssetRef } from '../assets/asset-ref.ts';
import type { BalanceItem, NormalizedTransaction } from './normalized.ts';

/**
 * Balances of a source that reports none (a CSV): what came in minus what went out and the
 * fees, per asset. A failed transaction moved nothing but its fees.
 */
export function sumBalances(transactions: NormalizedTransaction[]): BalanceItem[] {
  const totals = new Map<string, { asset: AssetRef; quantity: bigint }>();
  const add = (asset: AssetRef, delta: bigint) => {
    const id = assetId(asset);
    const entry = totals.get(id) ?? { asset, quantity: 0n };
    entry.quantity += delta;
    totals.set(id, entry);
  };
  for (const tx of transactions) {
    if (tx.status !== 'failed') {
      for (const leg of tx.inputs) add(leg.asset, leg.quantity);
      for (const leg of tx.outputs) add(leg.asset, -leg.quantity);
    }
    for (const fee of tx.fees) add(fee.asset, -fee.quantity);
  }
  return [...totals.values()];
}
