import { getAddress, type Log, type Transaction, type TransactionReceipt } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import { l1FeeOf } from './l1-fees.ts';
import type { Category, NormalizedFee, NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const ZERO = '0x0000000000000000000000000000000000000000';
export const APPROVE_SELECTOR = '0x095ea7b3';

export interface TokenTransfer {
  token: string;
  from: string;
  to: string;
  value: bigint;
}

/** ERC-20 Transfer events of a receipt (ERC-721 transfers, with 4 topics, are left out). */
export function tokenTransfers(logs: Log[]): TokenTransfer[] {
  return logs
    .filter((log) => log.topics[0] === TRANSFER_TOPIC && log.topics.length === 3 && log.data.length === 66)
    .map((log) => ({
      token: log.address.toLowerCase(),
      from: `0x${log.topics[1]!.slice(26)}`,
      to: `0x${log.topics[2]!.slice(26)}`,
      value: BigInt(log.data),
    }));
}

/** Checksummed addresses already computed: a wallet meets the same few again and again. */
const checksums = new Map<string, string>();
const MAX_CHECKSUMS = 10_000;

/** EIP-55 form of a lowercase address, computed once (viem's own cache renews an entry on every read). */
function checksum(address: string): string {
  let known = checksums.get(address);
  if (known === undefined) {
    if (checksums.size >= MAX_CHECKSUMS) checksums.clear();
    known = getAddress(address);
    checksums.set(address, known);
  }
  return known;
}

/** Value that moved in one transaction: the native coin (top level or internal) or an ERC-20. */
export interface ValueMove {
  asset: AssetRef;
  /** Lowercase addresses. */
  from: string;
  to: string;
  value: bigint;
}

/** One transaction as the owner saw it, whichever way it was read (indexer records or blocks and receipts). */
export interface EvmActivity {
  hash: string;
  /** Unix ms. */
  timestamp: number;
  failed: boolean;
  /** What moved (nothing when the transaction failed). */
  moves: ValueMove[];
  /** The gas the owner paid, when the owner sent it (a failed transaction too). */
  fee?: bigint;
  /** The owner's call was an ERC-20 `approve`. */
  approval: boolean;
}

export interface EvmTxContext {
  chainId: string;
  numericChainId: number;
  owner: string;
  native: AssetRef;
}

/**
 * One EVM transaction from the owner's side: every move in or out of the owner's address,
 * the fee when the owner sent it, and a category from what moved.
 */
export function normalizeEvmActivity(ctx: EvmTxContext, activity: EvmActivity): NormalizedTransaction {
  const owner = ctx.owner.toLowerCase();
  const ownerChecksum = checksum(owner);
  const inputs: NormalizedLeg[] = [];
  const outputs: NormalizedLeg[] = [];
  const moves = activity.failed ? [] : activity.moves.filter((m) => m.value > 0n && m.from !== m.to);
  for (const move of moves) {
    const leg = (counterparty: string): NormalizedLeg => {
      const made: NormalizedLeg = { asset: move.asset, quantity: move.value, address: ownerChecksum };
      if (counterparty && counterparty !== ZERO) made.counterparty = checksum(counterparty);
      return made;
    };
    if (move.from === owner) outputs.push(leg(move.to));
    if (move.to === owner) inputs.push(leg(move.from));
  }
  const fees: NormalizedFee[] =
    activity.fee !== undefined ? [{ asset: ctx.native, quantity: activity.fee, kind: 'network' }] : [];
  const tokenMoves = moves.filter((m) => m.asset !== ctx.native);
  let category: Category;
  if (activity.failed) category = 'fee';
  else if (tokenMoves.some((m) => m.from === ZERO && m.to === owner)) category = 'mint';
  else if (tokenMoves.some((m) => m.to === ZERO && m.from === owner)) category = 'burn';
  else if (inputs.length && outputs.length) category = 'trade';
  else if (inputs.length || outputs.length) category = 'transfer';
  else if (activity.approval) category = 'approval';
  else category = fees.length ? 'fee' : 'other';
  return {
    externalId: `${ctx.numericChainId}:${activity.hash}`,
    timestamp: activity.timestamp,
    status: activity.failed ? 'failed' : 'confirmed',
    category,
    categorizationSource: 'heuristic',
    txHash: activity.hash,
    chain: ctx.chainId,
    inputs,
    outputs,
    fees,
  };
}

/**
 * A transaction read from a block and its receipt (the block scan): the top-level value and the
 * ERC-20 Transfer events of known tokens (a reverted transaction moved nothing), the gas
 * (plus an OP-stack L1 fee) when the owner sent it.
 */
export function activityFromReceipt(
  ctx: EvmTxContext,
  tokens: Map<string, AssetRef>,
  tx: Transaction,
  receipt: TransactionReceipt,
  timestamp: number,
  opStack = false,
): EvmActivity {
  const failed = receipt.status === 'reverted';
  const from = tx.from.toLowerCase();
  const moves: ValueMove[] = [];
  if (!failed) {
    const to = (tx.to ?? receipt.contractAddress)?.toLowerCase();
    if (tx.value > 0n && to) moves.push({ asset: ctx.native, from, to, value: tx.value });
    for (const transfer of tokenTransfers(receipt.logs)) {
      const asset = tokens.get(transfer.token);
      if (asset) moves.push({ asset, from: transfer.from, to: transfer.to, value: transfer.value });
    }
  }
  return {
    hash: tx.hash,
    timestamp,
    failed,
    moves,
    ...(from === ctx.owner.toLowerCase()
      ? { fee: receipt.gasUsed * receipt.effectiveGasPrice + (opStack ? l1FeeOf(receipt) : 0n) }
      : {}),
    approval: tx.input.startsWith(APPROVE_SELECTOR),
  };
}
