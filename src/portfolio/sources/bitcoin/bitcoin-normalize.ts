import type { AssetRef } from '../../assets/asset-ref.ts';
import type { NormalizedLeg, NormalizedTransaction } from '../../ledger/normalized.ts';
import type { EsploraTx } from './esplora-client.ts';

export const BITCOIN: AssetRef = {
  namespace: 'bitcoin',
  reference: 'native',
  symbol: 'BTC',
  name: 'Bitcoin',
  decimals: 8,
  chain: 'bitcoin',
  priceKey: 'coin:bitcoin',
  groupKey: 'coin:bitcoin',
};

/**
 * One Bitcoin transaction seen from a set of own addresses (one address, or every address an
 * xpub derived): outputs back to own addresses are change, not legs; value leaving to others
 * is an output per recipient; value arriving is one input. The miner fee counts when every
 * input was the person's. All inputs and outputs own: an internal transfer (fee only).
 */
export function normalizeBitcoinTransaction(tx: EsploraTx, own: Set<string>, now: number): NormalizedTransaction {
  const isOwn = (address: string | undefined) => address !== undefined && own.has(address);
  const spent = tx.vin.filter((i) => isOwn(i.prevout?.scriptpubkey_address));
  const allInputsOwn = spent.length === tx.vin.length && spent.length > 0;
  const ownOutputs = tx.vout.filter((o) => isOwn(o.scriptpubkey_address));
  const foreignOutputs = tx.vout.filter((o) => !isOwn(o.scriptpubkey_address) && o.value > 0);
  const spentSum = spent.reduce((sum, i) => sum + BigInt(i.prevout!.value), 0n);
  const receivedSum = ownOutputs.reduce((sum, o) => sum + BigInt(o.value), 0n);
  const firstOwn = spent[0]?.prevout?.scriptpubkey_address ?? ownOutputs[0]?.scriptpubkey_address;
  const inputs: NormalizedLeg[] = [];
  const outputs: NormalizedLeg[] = [];
  if (allInputsOwn) {
    for (const out of foreignOutputs)
      outputs.push({
        asset: BITCOIN,
        quantity: BigInt(out.value),
        ...(firstOwn ? { address: firstOwn } : {}),
        ...(out.scriptpubkey_address ? { counterparty: out.scriptpubkey_address } : {}),
      });
  } else {
    // Someone else paid (or co-signed): the person's side is the net change of their addresses.
    const net = receivedSum - spentSum;
    const from = tx.vin.find((i) => !isOwn(i.prevout?.scriptpubkey_address))?.prevout?.scriptpubkey_address;
    if (net > 0n)
      inputs.push({
        asset: BITCOIN,
        quantity: net,
        ...(ownOutputs[0]?.scriptpubkey_address ? { address: ownOutputs[0].scriptpubkey_address } : {}),
        ...(from && spent.length === 0 ? { counterparty: from } : {}),
      });
    if (net < 0n) outputs.push({ asset: BITCOIN, quantity: -net, ...(firstOwn ? { address: firstOwn } : {}) });
  }
  const selfTransfer = allInputsOwn && foreignOutputs.length === 0;
  return {
    externalId: tx.txid,
    timestamp: tx.status.confirmed && tx.status.block_time ? tx.status.block_time * 1000 : now,
    status: tx.status.confirmed ? 'confirmed' : 'pending',
    category: tx.vin.some((i) => i.is_coinbase) ? 'mint' : 'transfer',
    categorizationSource: 'heuristic',
    isInternalTransfer: selfTransfer,
    txHash: tx.txid,
    chain: 'bitcoin',
    inputs,
    outputs,
    fees: allInputsOwn && tx.fee > 0 ? [{ asset: BITCOIN, quantity: BigInt(tx.fee), kind: 'network' }] : [],
  };
}
