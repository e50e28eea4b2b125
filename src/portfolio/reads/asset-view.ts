import type { StoredAsset } from '../assets/asset-repository.ts';

export interface AssetView {
  symbol: string;
  name?: string;
  chain?: string;
  contract_address?: string;
  decimals: number;
}

export function assetView(asset: StoredAsset, decimals = asset.decimals): AssetView {
  return {
    symbol: asset.symbol,
    ...(asset.name ? { name: asset.name } : {}),
    ...(asset.chain ? { chain: asset.chain } : {}),
    ...(asset.contract_address ? { contract_address: asset.contract_address } : {}),
    decimals,
  };
}
