import type { Clock } from '../../kernel/clock.ts';
import type { AssetRepository, StoredAsset } from '../assets/asset-repository.ts';
import { hasBaitText } from '../assets/bait-text.ts';
import type { SpamList } from '../assets/spam-list.ts';
import type { SpamRepository } from '../assets/spam-repository.ts';
import { spamReason, type SpamReason } from '../assets/spam-verdict.ts';
import type { PositionRepository } from '../ledger/position-repository.ts';
import type { TransactionRepository } from '../ledger/transaction-repository.ts';
import type { PriceService } from '../prices/price-service.ts';
import { reflagAll, reflagWritten } from './spam-transactions.ts';

export interface FlagSpamDeps {
  spam: SpamRepository;
  spamList: SpamList;
  assets: AssetRepository;
  positions: PositionRepository;
  transactions: TransactionRepository;
  prices: PriceService;
  clock: Clock;
}

export interface FlagSpamResult {
  flagged: string[];
  cleared: string[];
  /** Set when the price source could not be asked; verdicts then used what it said before. */
  priceError?: unknown;
}

/**
 * Judges every token the person holds or has moved (spam-verdict.ts), stores the verdicts that
 * changed and, when any did, re-marks the person's transactions. Run after each sync and each
 * unlink, so a verdict follows the facts: the person sending the token, or it gaining a price,
 * clears it.
 * @param options.askPrices ask the price source first about tokens whose verdict hangs on their price
 * @param options.written a sync's own transactions (its connection's, written since `since`),
 *   marked with the verdicts of its start (`stagedSpam`): re-marked if another sync changed them meanwhile
 */
export async function flagSpam(
  deps: FlagSpamDeps,
  userId: string,
  options: {
    askPrices: boolean;
    written?: { connectionId: string; since: number; stagedSpam: ReadonlySet<string> };
  },
): Promise<FlagSpamResult> {
  const activity = await deps.spam.activityOf(userId);
  const before = await deps.spam.flaggedOf(userId);
  const held = (await deps.positions.listForUser(userId, {})).map((p) => p.asset_id);
  const assets = [...(await deps.assets.findMany([...activity.keys(), ...before.keys(), ...held])).values()].filter(
    isStoredToken,
  );

  const result: FlagSpamResult = { flagged: [], cleared: [] };
  const hangsOnPrice = assets.filter((a) => {
    const facts = activity.get(a.id);
    return a.price_key && (hasBaitText(a.symbol, a.name) || (facts?.unsolicited && !facts.solicited));
  });
  const keys = [...new Set(hangsOnPrice.map((a) => a.price_key!))];
  if (options.askPrices && keys.length) {
    try {
      await deps.prices.refreshCurrent(keys);
    } catch (error) {
      result.priceError = error;
    }
  }
  const answers = await deps.prices.answers(keys);

  const after = new Map<string, SpamReason>();
  for (const asset of assets) {
    const facts = activity.get(asset.id);
    const reason = spamReason({
      listed: deps.spamList.has(asset.chain ?? '', asset.contract_address!),
      baitText: hasBaitText(asset.symbol, asset.name),
      hasPriceKey: !!asset.price_key,
      priced: asset.price_key ? answers.get(asset.price_key) : undefined,
      unsolicited: facts?.unsolicited ?? false,
      solicited: facts?.solicited ?? false,
    });
    if (reason) after.set(asset.id, reason);
  }
  const flag = [...after].filter(([id, reason]) => before.get(id) !== reason);
  result.flagged = flag.filter(([id]) => !before.has(id)).map(([id]) => id);
  result.cleared = [...before.keys()].filter((id) => !after.has(id));
  await deps.spam.saveVerdicts(
    userId,
    flag.map(([assetId, reason]) => ({ assetId, reason })),
    result.cleared,
    deps.clock.now(),
  );
  const spam = new Set(after.keys());
  if (result.flagged.length || result.cleared.length) await reflagAll(deps.transactions, userId, spam);
  else if (options.written && !sameSet(options.written.stagedSpam, spam))
    await reflagWritten(deps.transactions, options.written.connectionId, options.written.since, spam);
  return result;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function isStoredToken(asset: StoredAsset): boolean {
  return asset.contract_address !== null && asset.reference !== 'native';
}
