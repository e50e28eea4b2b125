import {
  createPublicClient,
  erc20Abi,
  http,
  HttpRequestError,
  parseAbiItem,
  TimeoutError,
  type Address,
  type Hash,
  type PublicClient,
} from 'viem';
import { SourceError } from '../../errors.ts';
import { tokenMetadata, type TokenMetadata } from './evm-assets.ts';

export const TRANSFER_EVENT = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)');

/** A JSON-RPC client of one chain (viem), requests batched, failures as SourceError('unavailable'). */
export function rpcClient(rpcUrl: string, timeoutMs: number): PublicClient {
  return createPublicClient({
    transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 1, batch: { batchSize: 50 } }),
  });
}

/** Runs an RPC call; transport failures mean the provider is unavailable (retried later). */
export async function rpc<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof HttpRequestError ||
      error instanceof TimeoutError ||
      (error as Error).name === 'HttpRequestError'
    ) {
      throw new SourceError(
        'unavailable',
        `the chain's RPC node is unreachable: ${(error as Error).message.split('\n')[0]}`,
      );
    }
    throw error;
  }
}

/** symbol / name / decimals of an ERC-20; undefined when the contract is not one. */
export async function readTokenMetadata(client: PublicClient, token: Address): Promise<TokenMetadata | undefined> {
  const [symbol, name, decimals] = await Promise.allSettled([
    client.readContract({ address: token, abi: erc20Abi, functionName: 'symbol' }),
    client.readContract({ address: token, abi: erc20Abi, functionName: 'name' }),
    client.readContract({ address: token, abi: erc20Abi, functionName: 'decimals' }),
  ]);
  if (decimals.status !== 'fulfilled' || decimals.value > 77) return undefined;
  return tokenMetadata(
    symbol.status === 'fulfilled' ? symbol.value : undefined,
    name.status === 'fulfilled' ? name.value : undefined,
    decimals.value,
  );
}

export type { Address, Hash };
