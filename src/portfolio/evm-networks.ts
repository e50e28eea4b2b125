/**
 * The EVM networks served by default, each overridable field by field through EVM_CHAINS.
 *
 * Indexers: Etherscan API v2 needs a key on every call and its free plan leaves out Base and
 * BNB Smart Chain, so the keyless defaults are each network's Blockscout instance (5 calls/s
 * without a key) and Routescan for Avalanche (2 calls/s keyless). BNB Smart Chain has neither:
 * it defaults to Etherscan v2, which answers only with an ETHERSCAN_API_KEY of a paid plan.
 * Multicall3 is deployed at the same address on all seven.
 */
export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11';

export const ETHERSCAN_V2_URL = 'https://api.etherscan.io/v2/api';

export interface EvmNetworkDefaults {
  id: string;
  name: string;
  chainId: number;
  rpcUrl: string;
  indexerUrl: string;
  indexerCallsPerSecond: number;
  nativeSymbol: string;
  nativeName: string;
  coingeckoId: string;
  coingeckoPlatform: string;
  /** Blocks below the head before a block is read (reorg depth seen in practice). */
  confirmations: number;
  multicall3: string;
  /** OP-stack: fees include each receipt's L1 data fee. */
  opStack?: boolean;
}

const network = (n: Omit<EvmNetworkDefaults, 'multicall3'>): EvmNetworkDefaults => ({
  ...n,
  multicall3: MULTICALL3_ADDRESS,
});

export const DEFAULT_EVM_NETWORKS: EvmNetworkDefaults[] = [
  network({
    id: 'ethereum',
    name: 'Ethereum',
    chainId: 1,
    rpcUrl: 'https://ethereum-rpc.publicnode.com',
    indexerUrl: 'https://eth.blockscout.com/api',
    indexerCallsPerSecond: 5,
    nativeSymbol: 'ETH',
    nativeName: 'Ether',
    coingeckoId: 'ethereum',
    coingeckoPlatform: 'ethereum',
    confirmations: 12,
  }),
  network({
    id: 'base',
    name: 'Base',
    chainId: 8453,
    rpcUrl: 'https://mainnet.base.org',
    indexerUrl: 'https://base.blockscout.com/api',
    indexerCallsPerSecond: 5,
    nativeSymbol: 'ETH',
    nativeName: 'Ether',
    coingeckoId: 'ethereum',
    coingeckoPlatform: 'base',
    confirmations: 10,
    opStack: true,
  }),
  network({
    id: 'arbitrum',
    name: 'Arbitrum One',
    chainId: 42161,
    rpcUrl: 'https://arb1.arbitrum.io/rpc',
    indexerUrl: 'https://arbitrum.blockscout.com/api',
    indexerCallsPerSecond: 5,
    nativeSymbol: 'ETH',
    nativeName: 'Ether',
    coingeckoId: 'ethereum',
    coingeckoPlatform: 'arbitrum-one',
    confirmations: 20,
  }),
  network({
    id: 'optimism',
    name: 'OP Mainnet',
    chainId: 10,
    rpcUrl: 'https://mainnet.optimism.io',
    indexerUrl: 'https://optimism.blockscout.com/api',
    indexerCallsPerSecond: 5,
    nativeSymbol: 'ETH',
    nativeName: 'Ether',
    coingeckoId: 'ethereum',
    coingeckoPlatform: 'optimistic-ethereum',
    confirmations: 10,
    opStack: true,
  }),
  network({
    id: 'polygon',
    name: 'Polygon PoS',
    chainId: 137,
    rpcUrl: 'https://polygon-rpc.com',
    indexerUrl: 'https://polygon.blockscout.com/api',
    indexerCallsPerSecond: 5,
    nativeSymbol: 'POL',
    nativeName: 'POL',
    coingeckoId: 'polygon-ecosystem-token',
    coingeckoPlatform: 'polygon-pos',
    confirmations: 32,
  }),
  network({
    id: 'bsc',
    name: 'BNB Smart Chain',
    chainId: 56,
    rpcUrl: 'https://bsc-dataseed.bnbchain.org',
    indexerUrl: `${ETHERSCAN_V2_URL}?chainid=56`,
    indexerCallsPerSecond: 3,
    nativeSymbol: 'BNB',
    nativeName: 'BNB',
    coingeckoId: 'binancecoin',
    coingeckoPlatform: 'binance-smart-chain',
    confirmations: 15,
  }),
  network({
    id: 'avalanche',
    name: 'Avalanche C-Chain',
    chainId: 43114,
    rpcUrl: 'https://api.avax.network/ext/bc/C/rpc',
    indexerUrl: 'https://api.routescan.io/v2/network/mainnet/evm/43114/etherscan/api',
    indexerCallsPerSecond: 2,
    nativeSymbol: 'AVAX',
    nativeName: 'Avalanche',
    coingeckoId: 'avalanche-2',
    coingeckoPlatform: 'avalanche',
    confirmations: 1,
  }),
];
