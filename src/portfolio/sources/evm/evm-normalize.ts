import { getAddress, type Log, type Transaction, type TransactionReceipt } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import type { Category, NormalizedFee, NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';

export const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const ZERO = '0x0000000000000000000000000000000000000000';
const APPROVE_SELECTOR = '0x095ea7b3';

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

export interface EvmTxContext {
  chainId: string;
  numericChainId: number;
  owner: string;
  native: AssetRef;
  tokens: Map<string, AssetRef>;
}

/**
 * One EVM transaction from the owner's side: native value and ERC-20 transfers in and out
 * (a reverted transaction moved nothing), the gas fee when the owner sent it (failed ones
 * too), and a category from what moved.
 */
export function normalizeEvmTransaction(
  ctx: EvmTxContext,
  tx: Transaction,
  receipt: TransactionReceipt,
  timestamp: number,
): NormalizedTransaction {
  const owner = ctx.owner.toLowerCase();
  const ownerChecksum = getAddress(owner);
  const failed = receipt.status === 'reverted';
  const fromMe = tx.from.toLowerCase() === owner;
  const inputs: NormalizedLeg[] = [];
  const outputs: NormalizedLeg[] = [];
  const transfers = failed ? [] : tokenTransfers(receipt.logs);
  if (!failed && tx.value > 0n) {
    const toMe = tx.to?.toLowerCase() === owner;
    if (fromMe && !toMe)
      outputs.push({
        asset: ctx.native,
        quantity: tx.value,
        address: ownerChecksum,
        ...(tx.to ? { counterparty: getAddress(tx.to) } : {}),
      });
    if (toMe && !fromMe)
      inputs.push({ asset: ctx.native, quantity: tx.value, address: ownerChecksum, counterparty: getAddress(tx.from) });
  }
  for (const transfer of transfers) {
    const asset = ctx.tokens.get(transfer.token);
    if (!asset || transfer.value === 0n || transfer.from === transfer.to) continue;
    if (transfer.from === owner)
      outputs.push({ asset, quantity: transfer.value, address: ownerChecksum, counterparty: getAddress(transfer.to) });
    if (transfer.to === owner)
      inputs.push({ asset, quantity: transfer.value, address: ownerChecksum, counterparty: getAddress(transfer.from) });
  }
  const fees: NormalizedFee[] = [];
  if (fromMe) {
    const l1Fee = (receipt as { l1Fee?: bigint | null }).l1Fee ?? 0n;
    fees.push({ asset: ctx.native, quantity: receipt.gasUsed * receipt.effectiveGasPrice + l1Fee, kind: 'network' });
  }
  const mine = transfers.filter((t) => t.from === owner || t.to === owner);
  let category: Category;
  if (failed) category = 'fee';
  else if (mine.some((t) => t.from === ZERO && t.to === owner)) category = 'mint';
  else if (mine.some((t) => t.to === ZERO && t.from === owner)) category = 'burn';
  else if (inputs.length && outputs.length) category = 'trade';
  else if (inputs.length || outputs.length) category = 'transfer';
  else if (tx.input.startsWith(APPROVE_SELECTOR)) category = 'approval';
  else category = fees.length ? 'fee' : 'other';
  for (const leg of [...inputs, ...outputs]) if (leg.counterparty === getAddress(ZERO)) delete leg.counterparty;
  return {
    externalId: `${ctx.numericChainId}:${tx.hash}`,
    timestamp,
    status: failed ? 'failed' : 'confirmed',
    category,
    categorizationSource: 'heuristic',
    txHash: tx.hash,
    chain: ctx.chainId,
    inputs,
    outputs,
    fees,
  };
}
