import { getAddress } from 'viem';
import type { AssetRef } from '../../assets/asset-ref.ts';
import { knownContract } from '../../assets/known-assets.ts';
import type { EvmChain } from '../../settings.ts';

/** The chain's native coin (ETH on Ethereum), 18 decimals. */
export function nativeAsset(chain: EvmChain): AssetRef {
  const namespace = `evm:${chain.chainId}`;
  return {
    namespace,
    reference: 'native',
    symbol: chain.nativeSymbol,
    name: chain.nativeName,
    decimals: 18,
    chain: chain.id,
    ...(chain.coingeckoId ? { priceKey: `coin:${chain.coingeckoId}` } : {}),
    groupKey: chain.coingeckoId ? `coin:${chain.coingeckoId}` : `${namespace}/native`,
  };
}

export interface TokenMetadata {
  symbol: string;
  name?: string;
  decimals: number;
}

/** A token's own words, made safe to show: printable ASCII, at most 40 characters; no symbol reads UNKNOWN. */
export function tokenMetadata(symbol: string | undefined, name: string | undefined, decimals: number): TokenMetadata {
  const clean = (text: string | undefined) =>
    (text ?? '')
      .replace(/[^\x20-\x7e]/g, '')
      .trim()
      .slice(0, 40);
  return { symbol: clean(symbol) || 'UNKNOWN', ...(clean(name) ? { name: clean(name) } : {}), decimals };
}

/** An ERC-20 by its contract: well-known contracts consolidate with the same coin elsewhere; others stay apart. */
export function tokenAsset(chain: EvmChain, contract: string, metadata: TokenMetadata): AssetRef {
  const namespace = `evm:${chain.chainId}`;
  const reference = contract.toLowerCase();
  const known = knownContract(chain.chainId, reference);
  const priceKey = known
    ? `coin:${known.coingeckoId}`
    : chain.coingeckoPlatform
      ? `token:${chain.coingeckoPlatform}:${reference}`
      : undefined;
  return {
    namespace,
    reference,
    symbol: metadata.symbol,
    ...(metadata.name ? { name: metadata.name } : {}),
    decimals: metadata.decimals,
    chain: chain.id,
    contractAddress: getAddress(contract),
    ...(priceKey ? { priceKey } : {}),
    groupKey: known ? `coin:${known.coingeckoId}` : `${namespace}/${reference}`,
  };
}
