import { yieldToEventLoop } from '../../kernel/threads/module-worker.ts';
import type { AssetRepository } from '../assets/asset-repository.ts';
import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import { allLegs, parseLegs } from '../ledger/stored-legs.ts';
import type { PricePoint } from '../money/value.ts';
import { PriceSourceUnavailable, type PriceService } from '../prices/price-service.ts';

/**
 * Rows priced per turn of the event loop: a batch's reads, JSON and writes hold it. 128 held it
 * ~1 ms on a fast machine, but on a slow 2-core VM the longest hold during a 10 MB import was
 * 24–59 ms, past the 50 ms bound whenever V8 grew its string table inside a batch (JSON.parse
 * interns each leg's short quantity; the table's resizes took 4, 9, then 19 ms there). With 32
 * the longest hold was 25–40 ms in six runs (test/portfolio/review-csv-import.test.ts).
 */
const BATCH = 32;

/**
 * Values the legs and fees of a connection's unpriced transactions at their own time. A key the
 * source could not answer for (outage) stays marked for the next sync; one it has no price for
 * stays null.
 */
export async function priceTransactions(
  deps: { transactions: TransactionRepository; assets: AssetRepository; prices: PriceService },
  connectionId: string,
): Promise<void> {
  for (;;) {
    const rows = await deps.transactions.unpriced(connectionId, BATCH);
    if (rows.length === 0) return;
    const parsed = rows.map((row) => ({ row, legs: parseLegs(row.legs) }));
    const assets = await deps.assets.findMany(parsed.flatMap((p) => allLegs(p.legs).map((l) => l.a)));
    const wanted = new Map<string, Set<number>>();
    for (const { row, legs } of parsed) {
      for (const leg of allLegs(legs)) {
        const key = assets.get(leg.a)?.price_key;
        if (key && !leg.p) wanted.set(key, (wanted.get(key) ?? new Set()).add(row.timestamp));
      }
    }
    const priced = new Map<string, Map<number, PricePoint>>();
    const failed = new Set<string>();
    for (const [key, instants] of wanted) {
      try {
        priced.set(key, await deps.prices.at(key, [...instants]));
      } catch (error) {
        if (!(error instanceof PriceSourceUnavailable)) throw error;
        failed.add(key);
      }
    }
    const updates: Array<{ id: string; legs: string; needsPricing: boolean }> = [];
    for (const { row, legs } of parsed) {
      let waiting = false;
      let changed = false;
      for (const leg of allLegs(legs)) {
        const key = assets.get(leg.a)?.price_key;
        if (!key || leg.p) continue;
        const point = priced.get(key)?.get(row.timestamp);
        if (point) {
          leg.p = point;
          changed = true;
        } else if (failed.has(key)) waiting = true;
      }
      if (changed || !waiting) updates.push({ id: row.id, legs: JSON.stringify(legs), needsPricing: waiting });
    }
    await deps.transactions.updateLegs(updates);
    // Only rows still waiting for an unreachable source are left: try again on the next sync.
    if (updates.every((u) => u.needsPricing)) return;
    // Prices answered from the cache need no I/O: let waiting requests run between batches.
    await yieldToEventLoop();
  }
}
