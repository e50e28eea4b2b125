import type { AssetHints } from '../assets/asset-hints.ts';
import type { AssetRepository } from '../assets/asset-repository.ts';
import { resolveCoinId } from '../assets/resolve-coin-id.ts';
import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import type { CoinList } from '../prices/coin-list.ts';

/**
 * Gives the assets of an exchange's namespace that have no price key one (`coin:<id>`) where the
 * coins list and the exchange's own hints single out one coin, and marks the transactions that
 * hold them for pricing. Well-known symbols never come here: they carry their key from the start.
 * The group key stays as it was: a coin guessed from a ticker must not merge quantities from two
 * exchanges into one position (a wrong match would then corrupt the holding, not only its value).
 * @returns how many assets gained a key
 */
export async function resolvePriceKeys(
  deps: { assets: AssetRepository; transactions: TransactionRepository; coins: CoinList },
  hints: AssetHints,
): Promise<number> {
  const unkeyed = await deps.assets.unkeyedIn(hints.namespace);
  if (unkeyed.length === 0) return 0;
  const listed = await deps.coins.bySymbol(unkeyed.map((a) => a.reference));
  const found = unkeyed.flatMap((asset) => {
    const code = asset.reference.toUpperCase();
    const id = resolveCoinId(code, listed.get(code.toLowerCase()) ?? [], hints.currencies.get(code));
    return id ? [{ id: asset.id, priceKey: `coin:${id}` }] : [];
  });
  const keyed = await deps.assets.setMissingPriceKeys(found);
  await deps.transactions.markForPricing(keyed);
  return keyed.length;
}
