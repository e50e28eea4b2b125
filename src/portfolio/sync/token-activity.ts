import { assetId, type AssetRef } from '../assets/asset-ref.ts';
import type { NormalizedTransaction } from '../ledger/normalized.ts';

export interface TokenActivity {
  assetId: string;
  unsolicited: boolean;
  solicited: boolean;
}

/** A token is an on-chain contract or mint; a chain's native coin and an exchange's currencies are not. */
export function isToken(asset: Pick<AssetRef, 'contractAddress' | 'reference'>): boolean {
  return !!asset.contractAddress && asset.reference !== 'native';
}

/**
 * How a page of one wallet's history came by each token. The wallet sent a transaction when it
 * paid its network fee (EVM: the fee is recorded exactly when the wallet is the transaction's
 * `from`; Solana: when it is the fee payer): a token that arrived in it was asked for (a swap, a
 * claim). One that arrived in a transaction someone else sent is unsolicited; one the wallet sent
 * away is its own.
 */
export function tokenActivity(transactions: NormalizedTransaction[]): TokenActivity[] {
  const byAsset = new Map<string, TokenActivity>();
  const note = (asset: AssetRef, solicited: boolean) => {
    if (!isToken(asset)) return;
    const id = assetId(asset);
    const entry = byAsset.get(id) ?? { assetId: id, unsolicited: false, solicited: false };
    if (solicited) entry.solicited = true;
    else entry.unsolicited = true;
    byAsset.set(id, entry);
  };
  for (const tx of transactions) {
    const sentByWallet = tx.fees.some((f) => f.kind === 'network');
    for (const leg of tx.outputs) note(leg.asset, true);
    for (const leg of tx.inputs) note(leg.asset, sentByWallet);
  }
  return [...byAsset.values()];
}
