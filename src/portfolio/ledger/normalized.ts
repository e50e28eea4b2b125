import type { AssetRef } from '../assets/asset-ref.ts';

export type TransactionStatus = 'pending' | 'confirmed' | 'failed';
export type TransactionType = 'send' | 'receive' | 'input_only' | 'output_only' | 'input_output' | 'uncategorized';
export type Category =
  | 'transfer'
  | 'trade'
  | 'deposit'
  | 'withdrawal'
  | 'staking_reward'
  | 'interest'
  | 'airdrop'
  | 'fee'
  | 'mint'
  | 'burn'
  | 'approval'
  | 'other';

export interface NormalizedLeg {
  asset: AssetRef;
  /** Base units, positive. */
  quantity: bigint;
  /** The person's own address the value moved at. */
  address?: string;
  /** The other side, when known. */
  counterparty?: string;
}

export interface NormalizedFee {
  asset: AssetRef;
  quantity: bigint;
  kind: 'network' | 'exchange';
}

/**
 * One event as a source adapter reports it. `inputs` flow into the person's account,
 * `outputs` flow out; fees are separate. `externalId` is stable across syncs (upsert key).
 */
export interface NormalizedTransaction {
  externalId: string;
  timestamp: number;
  status: TransactionStatus;
  category: Category;
  categorizationSource: 'provider' | 'heuristic';
  isInternalTransfer?: boolean;
  txHash?: string;
  chain?: string;
  description?: string;
  inputs: NormalizedLeg[];
  outputs: NormalizedLeg[];
  fees: NormalizedFee[];
  /** Set when the source knows better than the legs (an exchange deposit from outside is a receive without a known sender). */
  type?: TransactionType;
}

export interface BalanceItem {
  asset: AssetRef;
  quantity: bigint;
}

const TRANSFERS = new Set<Category>(['transfer', 'deposit', 'withdrawal']);

/**
 * The TransactionType, from the legs alone: value in and out is input_output; one leg to or
 * from someone else (a transfer) is send/receive; other one-sided events are input_only /
 * output_only (rewards, burns, fee-only); nothing moved and no fee: uncategorized.
 */
export function deriveType(
  tx: Pick<NormalizedTransaction, 'inputs' | 'outputs' | 'fees' | 'category'>,
): TransactionType {
  const ins = tx.inputs.length;
  const outs = tx.outputs.length;
  if (ins > 0 && outs > 0) return 'input_output';
  const transfer = TRANSFERS.has(tx.category);
  if (outs > 0) return outs === 1 && transfer && tx.outputs[0]!.counterparty ? 'send' : 'output_only';
  if (ins > 0) return ins === 1 && transfer && tx.inputs[0]!.counterparty ? 'receive' : 'input_only';
  return tx.fees.length > 0 ? 'output_only' : 'uncategorized';
}
