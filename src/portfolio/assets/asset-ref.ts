/**
 * An asset as the engine sees it: identified by (chain, contract) or (exchange, symbol) — never
 * by symbol alone, so a token that calls itself "USDC" stays apart from real USDC.
 */
export interface AssetRef {
  /** `evm:<chainId>`, `bitcoin`, `exchange:<provider or csv format>`. */
  namespace: string;
  /** Lowercase contract address, `native`, or the exchange's symbol. */
  reference: string;
  symbol: string;
  name?: string;
  decimals: number;
  chain?: string;
  contractAddress?: string;
  /** Where prices come from: `coin:<coingecko id>`, `token:<platform>:<contract>`, `fiat:USD`. */
  priceKey?: string;
  /** Assets sharing a group key are one consolidated position. */
  groupKey: string;
}

export function assetId(asset: Pick<AssetRef, 'namespace' | 'reference'>): string {
  return `${asset.namespace}/${asset.reference}`;
}
