import type { Hash, PublicClient } from 'viem';
import { SourceError } from '../../errors.ts';
import { rpc } from './evm-rpc.ts';

/** A receipt's OP-stack L1 data fee: a hex quantity as the node sends it, a bigint once viem formatted it for an OP chain. */
export function l1FeeOf(receipt: unknown): bigint {
  const raw = (receipt as { l1Fee?: string | bigint | null }).l1Fee;
  return raw === undefined || raw === null ? 0n : BigInt(raw);
}

/**
 * OP-stack chains (OP Mainnet, Base) charge each transaction an L1 data fee on top of its L2 gas;
 * only the receipt reports it (`l1Fee`), indexers' `txlist` leaves it out. The receipts of the
 * transactions the owner paid for are read (batched by the RPC transport) and their L1 fee added.
 */
export async function addL1Fees(
  client: PublicClient,
  activities: Array<{ hash: string; fee?: bigint }>,
): Promise<void> {
  const paid = activities.filter((a) => a.fee !== undefined);
  const receipts = await Promise.all(
    paid.map((a) => rpc(() => client.request({ method: 'eth_getTransactionReceipt', params: [a.hash as Hash] }))),
  );
  paid.forEach((activity, index) => {
    const receipt = receipts[index];
    // The indexer listed it, so the node must know it: not yet (a lagging node) is tried again later.
    if (!receipt) throw new SourceError('unavailable', `the RPC node has no receipt for ${activity.hash} yet`);
    activity.fee = activity.fee! + l1FeeOf(receipt);
  });
}
