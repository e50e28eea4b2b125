/**
 * The libraries wallet addresses are checked with — bitcoinjs-lib with bip32 and secp256k1, viem,
 * @solana/kit — hold about 50 MB resident together (measured on Node 20): a node loads each when
 * it first checks an address or reads a wallet of that family, not at start.
 */
let bitcoin: Promise<typeof import('./bitcoin-keys.ts')> | undefined;
let evm: Promise<typeof import('./evm-address.ts')> | undefined;
let solana: Promise<typeof import('@solana/kit')> | undefined;

export const loadBitcoinKeys = () => (bitcoin ??= import('./bitcoin-keys.ts'));
export const loadEvmAddress = () => (evm ??= import('./evm-address.ts'));
export const loadSolanaKit = () => (solana ??= import('@solana/kit'));
