import { erc20Abi, parseAbi, type Address, type ContractFunctionParameters, type PublicClient } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import type { BalanceItem } from '../../ledger/normalized.ts';
import { rpc } from './evm-rpc.ts';

const getEthBalanceAbi = parseAbi(['function getEthBalance(address addr) view returns (uint256 balance)']);

/** Calldata bytes per aggregate3 request (about 300 balanceOf calls): a wallet with thousands of tokens takes a few. */
const BATCH_BYTES = 50_000;

/**
 * The owner's native and ERC-20 balances now. With Multicall3 they come from `aggregate3`
 * batches (the native one through its `getEthBalance`, so the first batch reads one block);
 * a token whose `balanceOf` reverts is left out. Without it, one call each. Zero balances are
 * left out.
 */
export async function readBalances(
  client: PublicClient,
  owner: Address,
  native: AssetRef,
  tokens: Map<string, AssetRef>,
  multicall3: string | undefined,
): Promise<BalanceItem[]> {
  const entries = [...tokens];
  const items: BalanceItem[] = [];
  if (multicall3) {
    const nativeCall = {
      address: multicall3 as Address,
      abi: getEthBalanceAbi,
      functionName: 'getEthBalance',
      args: [owner],
    } as const;
    const tokenCalls = entries.map(
      ([contract]) =>
        ({ address: contract as Address, abi: erc20Abi, functionName: 'balanceOf', args: [owner] }) as const,
    );
    const calls: ContractFunctionParameters[] = [nativeCall, ...tokenCalls];
    const results = await rpc(() =>
      client.multicall({
        contracts: calls,
        multicallAddress: multicall3 as Address,
        allowFailure: true,
        batchSize: BATCH_BYTES,
      }),
    );
    const [nativeResult, ...tokenResults] = results;
    const nativeBalance =
      nativeResult?.status === 'success'
        ? (nativeResult.result as bigint)
        : await rpc(() => client.getBalance({ address: owner }));
    items.push({ asset: native, quantity: nativeBalance });
    tokenResults.forEach((result, i) => {
      if (result.status === 'success') items.push({ asset: entries[i]![1], quantity: result.result as bigint });
    });
  } else {
    items.push({ asset: native, quantity: await rpc(() => client.getBalance({ address: owner })) });
    for (const [contract, asset] of entries) {
      const quantity = await rpc(() =>
        client.readContract({ address: contract as Address, abi: erc20Abi, functionName: 'balanceOf', args: [owner] }),
      );
      items.push({ asset, quantity });
    }
  }
  return items.filter((b) => b.quantity > 0n);
}
