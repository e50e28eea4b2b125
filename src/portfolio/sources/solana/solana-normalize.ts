import type { NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';
import { SOL, tokenAsset, type MintMetadata } from './solana-assets.ts';

export interface TokenBalanceView {
  accountIndex: number;
  mint: string;
  owner?: string;
  /** Base units. */
  amount: bigint;
  decimals: number;
}

/** What the normalizer needs of a `getTransaction` (jsonParsed) answer. */
export interface SolanaTransactionView {
  signature: string;
  blockTime: number | null;
  /** Every account of the message, lookup-table ones included, in balance order; [0] pays the fee. */
  accountKeys: string[];
  fee: bigint;
  failed: boolean;
  preBalances: bigint[];
  postBalances: bigint[];
  preTokenBalances: TokenBalanceView[];
  postTokenBalances: TokenBalanceView[];
}

/**
 * One Solana transaction seen from one wallet: SOL moved is the change of the wallet's lamports
 * (its fee added back when it paid); each token moved is the change of the wallet's token
 * accounts per mint. The fee counts only for the fee payer and stays when the transaction
 * failed, which moves nothing else. The counterparty is named when exactly one other account
 * (owner, for tokens) moved the other way.
 */
export function normalizeSolanaTransaction(
  tx: SolanaTransactionView,
  owner: string,
  mints: Map<string, MintMetadata>,
  now: number,
): NormalizedTransaction {
  const paysFee = tx.accountKeys[0] === owner;
  const inputs: NormalizedLeg[] = [];
  const outputs: NormalizedLeg[] = [];
  if (!tx.failed) {
    const lamports = lamportChanges(tx);
    addLeg(inputs, outputs, SOL, lamports.get(owner) ?? 0n, owner, counterparty(lamports, owner));
    for (const [mint, changes] of tokenChanges(tx)) {
      const decimals = changes.decimals;
      const asset = tokenAsset(mint, { ...(mints.get(mint) ?? { decimals }), decimals });
      addLeg(inputs, outputs, asset, changes.byOwner.get(owner) ?? 0n, owner, counterparty(changes.byOwner, owner));
    }
  }
  const moved = inputs.length + outputs.length > 0;
  return {
    externalId: tx.signature,
    timestamp: tx.blockTime !== null ? tx.blockTime * 1000 : now,
    status: tx.failed ? 'failed' : 'confirmed',
    // Nothing moved: the fee was the whole effect (a failed transaction, an approval, a vote).
    category: moved ? (inputs.length > 0 && outputs.length > 0 ? 'trade' : 'transfer') : paysFee ? 'fee' : 'other',
    categorizationSource: 'heuristic',
    txHash: tx.signature,
    chain: 'solana',
    inputs,
    outputs,
    fees: paysFee && tx.fee > 0n ? [{ asset: SOL, quantity: tx.fee, kind: 'network' }] : [],
  };
}

function addLeg(
  inputs: NormalizedLeg[],
  outputs: NormalizedLeg[],
  asset: NormalizedLeg['asset'],
  change: bigint,
  owner: string,
  other: string | undefined,
): void {
  if (change === 0n) return;
  const leg = {
    asset,
    quantity: change > 0n ? change : -change,
    address: owner,
    ...(other ? { counterparty: other } : {}),
  };
  (change > 0n ? inputs : outputs).push(leg);
}

/** Lamports gained or lost per account, the fee given back to its payer (it is reported apart). */
function lamportChanges(tx: SolanaTransactionView): Map<string, bigint> {
  const changes = new Map<string, bigint>();
  tx.accountKeys.forEach((key, i) => {
    const change = (tx.postBalances[i] ?? 0n) - (tx.preBalances[i] ?? 0n) + (i === 0 ? tx.fee : 0n);
    if (change !== 0n) changes.set(key, (changes.get(key) ?? 0n) + change);
  });
  return changes;
}

/** Per mint, base units gained or lost per token-account owner. */
function tokenChanges(tx: SolanaTransactionView): Map<string, { decimals: number; byOwner: Map<string, bigint> }> {
  const out = new Map<string, { decimals: number; byOwner: Map<string, bigint> }>();
  const apply = (balances: TokenBalanceView[], sign: 1n | -1n) => {
    for (const balance of balances) {
      const owner = balance.owner ?? tx.accountKeys[balance.accountIndex] ?? '';
      let mint = out.get(balance.mint);
      if (!mint) out.set(balance.mint, (mint = { decimals: balance.decimals, byOwner: new Map() }));
      mint.byOwner.set(owner, (mint.byOwner.get(owner) ?? 0n) + sign * balance.amount);
    }
  };
  apply(tx.postTokenBalances, 1n);
  apply(tx.preTokenBalances, -1n);
  return out;
}

/** The one other party that moved the opposite way, if there is exactly one. */
function counterparty(changes: Map<string, bigint>, owner: string): string | undefined {
  const mine = changes.get(owner) ?? 0n;
  if (mine === 0n) return undefined;
  const others = [...changes].filter(([key, change]) => key !== owner && change !== 0n && change > 0n !== mine > 0n);
  return others.length === 1 ? others[0]![0] : undefined;
}
