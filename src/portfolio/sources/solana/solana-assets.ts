import type { AssetRef } from '../../assets/asset-ref.ts';

export const SYSTEM_PROGRAM = '11111111111111111111111111111111';
export const TOKEN_PROGRAM = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
/** Metaplex Token Metadata: where most SPL tokens keep their name and symbol. */
export const METADATA_PROGRAM = 'metaqbxxUerdq28cj1RbAWkYQm3ybzjb6a8bt518x1s';

export const SOL: AssetRef = {
  namespace: 'solana',
  reference: 'native',
  symbol: 'SOL',
  name: 'Solana',
  decimals: 9,
  chain: 'solana',
  priceKey: 'coin:solana',
  groupKey: 'coin:solana',
};

/** Mints that are a well-known coin: they consolidate with the same coin on other chains and exchanges. */
const KNOWN_MINTS: Record<string, { symbol: string; name: string; coingeckoId: string }> = {
  EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v: { symbol: 'USDC', name: 'USD Coin', coingeckoId: 'usd-coin' },
  Es9vMFrzaCERmJfrF4H2FYD4KCoNkY11McCe8BenwNYB: { symbol: 'USDT', name: 'Tether', coingeckoId: 'tether' },
  // Wrapped SOL is SOL held in a token account: the same position as SOL.
  So11111111111111111111111111111111111111112: { symbol: 'wSOL', name: 'Wrapped SOL', coingeckoId: 'solana' },
};

export interface MintMetadata {
  decimals: number;
  /** From the mint's Token-2022 metadata or its Metaplex metadata account; absent when it has neither. */
  symbol?: string;
  name?: string;
}

/**
 * An SPL or Token-2022 token by its mint (base58, case matters). A mint without metadata is
 * shown by a short form of its address (`EPjF…Dt1v`), never by a guessed name.
 */
export function tokenAsset(mint: string, metadata: MintMetadata): AssetRef {
  const known = KNOWN_MINTS[mint];
  const symbol = known?.symbol ?? metadata.symbol ?? shortMint(mint);
  const name = known?.name ?? metadata.name;
  return {
    namespace: 'solana',
    reference: mint,
    symbol,
    ...(name ? { name } : {}),
    decimals: metadata.decimals,
    chain: 'solana',
    contractAddress: mint,
    priceKey: known ? `coin:${known.coingeckoId}` : `token:solana:${mint}`,
    groupKey: known ? `coin:${known.coingeckoId}` : `solana/${mint}`,
  };
}

export function shortMint(mint: string): string {
  return `${mint.slice(0, 4)}…${mint.slice(-4)}`;
}
