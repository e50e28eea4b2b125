import type { AssetRef } from './asset-ref.ts';

interface KnownAsset {
  coingeckoId: string;
  name: string;
  decimals: number;
}

/**
 * Well-known assets an exchange or CSV names by symbol, and the contracts that are them on
 * Ethereum. Only these consolidate across sources (BTC on an exchange + BTC on chain); any
 * other token stays its own position.
 */
const BY_SYMBOL: Record<string, KnownAsset> = {
  BTC: { coingeckoId: 'bitcoin', name: 'Bitcoin', decimals: 8 },
  ETH: { coingeckoId: 'ethereum', name: 'Ether', decimals: 18 },
  USDC: { coingeckoId: 'usd-coin', name: 'USD Coin', decimals: 6 },
  USDT: { coingeckoId: 'tether', name: 'Tether', decimals: 6 },
  DAI: { coingeckoId: 'dai', name: 'Dai', decimals: 18 },
  SOL: { coingeckoId: 'solana', name: 'Solana', decimals: 9 },
  DOGE: { coingeckoId: 'dogecoin', name: 'Dogecoin', decimals: 8 },
  LTC: { coingeckoId: 'litecoin', name: 'Litecoin', decimals: 8 },
  ADA: { coingeckoId: 'cardano', name: 'Cardano', decimals: 6 },
  DOT: { coingeckoId: 'polkadot', name: 'Polkadot', decimals: 10 },
  XRP: { coingeckoId: 'ripple', name: 'XRP', decimals: 6 },
  AVAX: { coingeckoId: 'avalanche-2', name: 'Avalanche', decimals: 18 },
};

const ETHEREUM_CONTRACTS: Record<string, string> = {
  '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': 'USDC',
  '0xdac17f958d2ee523a2206206994597c13d831ec7': 'USDT',
  '0x6b175474e89094c44da98b954eedeac495271d0f': 'DAI',
};

const FIAT = new Set(['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD']);

const exchangeAssets = new Map<string, AssetRef>();

/** An asset an exchange (or a CSV of one) names by its symbol; one shared, frozen object per pair. */
export function exchangeAsset(exchange: string, rawSymbol: string): AssetRef {
  const key = `${exchange}\u0000${rawSymbol}`;
  let asset = exchangeAssets.get(key);
  if (!asset) {
    asset = Object.freeze(describeExchangeAsset(exchange, rawSymbol.trim().toUpperCase()));
    if (exchangeAssets.size < 100_000) exchangeAssets.set(key, asset);
  }
  return asset;
}

/** The namespace of the assets an exchange (or a CSV of one) names by symbol. */
export function exchangeNamespace(exchange: string): string {
  return `exchange:${exchange}`;
}

function describeExchangeAsset(exchange: string, symbol: string): AssetRef {
  const base = { namespace: exchangeNamespace(exchange), reference: symbol, symbol };
  if (FIAT.has(symbol))
    return { ...base, name: symbol, decimals: 2, priceKey: `fiat:${symbol}`, groupKey: `fiat:${symbol}` };
  const known = BY_SYMBOL[symbol];
  if (known)
    return {
      ...base,
      name: known.name,
      decimals: known.decimals,
      priceKey: `coin:${known.coingeckoId}`,
      groupKey: `coin:${known.coingeckoId}`,
    };
  return { ...base, decimals: 18, groupKey: `exchange:${exchange}/${symbol}` };
}

/** The well-known asset an Ethereum mainnet contract is, if any. */
export function knownContract(chainId: number, contract: string): { symbol: string; coingeckoId: string } | undefined {
  if (chainId !== 1) return undefined;
  const symbol = ETHEREUM_CONTRACTS[contract.toLowerCase()];
  return symbol ? { symbol, coingeckoId: BY_SYMBOL[symbol]!.coingeckoId } : undefined;
}
