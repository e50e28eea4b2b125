import { describe, expect, it } from 'vitest';
import { evmChainSettings, type EvmChainOptions } from '../../src/portfolio/evm-chain-settings.ts';

const options = (over: Partial<EvmChainOptions> = {}): EvmChainOptions => ({
  chainsJson: '[]',
  ethereumRpcUrl: 'https://ethereum-rpc.publicnode.com',
  etherscanApiKey: undefined,
  indexerCallsPerSecond: 5,
  ...over,
});

describe('EVM networks from EVM_CHAINS', () => {
  it('serves seven networks by default, each with its native coin, RPC, indexer, Multicall3 and CoinGecko ids', () => {
    const chains = evmChainSettings(options());
    expect(chains.map((c) => [c.id, c.chainId, c.nativeSymbol, c.coingeckoPlatform])).toEqual([
      ['ethereum', 1, 'ETH', 'ethereum'],
      ['base', 8453, 'ETH', 'base'],
      ['arbitrum', 42161, 'ETH', 'arbitrum-one'],
      ['optimism', 10, 'ETH', 'optimistic-ethereum'],
      ['polygon', 137, 'POL', 'polygon-pos'],
      ['bsc', 56, 'BNB', 'binance-smart-chain'],
      ['avalanche', 43114, 'AVAX', 'avalanche'],
    ]);
    for (const chain of chains) {
      expect(chain.rpcUrl).toMatch(/^https:\/\//);
      expect(chain.indexer?.url).toMatch(/^https:\/\//);
      expect(chain.multicall3).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
      expect(chain.coingeckoId).toBeTruthy();
    }
    expect(chains.find((c) => c.id === 'bsc')!.indexer).toEqual({
      url: 'https://api.etherscan.io/v2/api?chainid=56',
      callsPerSecond: 3,
    });
    expect(chains.find((c) => c.id === 'base')!.indexer).toEqual({
      url: 'https://base.blockscout.com/api',
      callsPerSecond: 5,
    });
  });

  it('sends ETHERSCAN_API_KEY to Etherscan only, never to another indexer', () => {
    const chains = evmChainSettings(
      options({
        etherscanApiKey: 'k',
        chainsJson: JSON.stringify([{ id: 'base', indexerUrl: 'https://api.etherscan.io/v2/api?chainid=8453' }]),
      }),
    );
    const key = (id: string) => chains.find((c) => c.id === id)!.indexer!.apiKey;
    expect(key('bsc')).toBe('k');
    expect(key('base')).toBe('k');
    expect(key('ethereum')).toBeUndefined();
    expect(key('avalanche')).toBeUndefined();
    // An indexer the defaults do not describe is called at EVM_INDEXER_CALLS_PER_SECOND.
    expect(chains.find((c) => c.id === 'base')!.indexer!.callsPerSecond).toBe(5);
  });

  it('overrides only the fields an entry names, drops a network, and adds new chains after the defaults', () => {
    const chains = evmChainSettings(
      options({
        ethereumRpcUrl: 'https://eth.example/rpc',
        chainsJson: JSON.stringify([
          { id: 'polygon', rpcUrl: 'https://polygon.example/rpc', indexerApiKey: 'blockscout-key' },
          { id: 'bsc', enabled: false },
          { id: 'dev', name: 'Dev', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545', startBlock: 0 },
        ]),
      }),
    );
    expect(chains.map((c) => c.id)).toEqual([
      'ethereum',
      'base',
      'arbitrum',
      'optimism',
      'polygon',
      'avalanche',
      'dev',
    ]);
    expect(chains[0]!.rpcUrl).toBe('https://eth.example/rpc');
    expect(chains[4]).toMatchObject({
      name: 'Polygon PoS',
      rpcUrl: 'https://polygon.example/rpc',
      indexer: { url: 'https://polygon.blockscout.com/api', apiKey: 'blockscout-key', callsPerSecond: 5 },
    });
    expect(chains[6]).toEqual({
      id: 'dev',
      name: 'Dev',
      chainId: 31337,
      rpcUrl: 'http://127.0.0.1:8545',
      nativeSymbol: 'ETH',
      nativeName: 'ETH',
      confirmations: 0,
      startBlock: 0,
    });
  });

  it('refuses a chain without an indexer and without a start block, and other bad shapes, naming the problem', () => {
    const bad = (json: unknown) => () => evmChainSettings(options({ chainsJson: JSON.stringify(json) }));
    expect(bad([{ id: 'dev', name: 'Dev', chainId: 31337, rpcUrl: 'http://127.0.0.1:8545' }])).toThrow(
      /dev has no indexerUrl, so it needs a "startBlock"/,
    );
    expect(bad([{ id: 'ethereum', indexerUrl: null }])).toThrow(/ethereum has no indexerUrl/);
    expect(bad([{ id: 'dev', chainId: 5 }])).toThrow(/needs "name", "chainId" and "rpcUrl"/);
    expect(bad([{ id: 'solana', name: 'S', chainId: 9, rpcUrl: 'http://x', startBlock: 0 }])).toThrow(/reserved/);
    expect(bad([{ id: 'dev', name: 'Dev', chainId: 1, rpcUrl: 'http://x', startBlock: 0 }])).toThrow(/chainId/);
    expect(bad([{ id: 'base' }, { id: 'base' }])).toThrow(/twice/);
    expect(bad([{ id: 'base', indexerUrl: 'ftp://x' }])).toThrow(/EVM_CHAINS is invalid at \/0\/indexerUrl/);
    expect(() => evmChainSettings(options({ chainsJson: '{' }))).toThrow(/not valid JSON/);
  });

  it('takes an ENS Universal Resolver on the ethereum entry only, where names are resolved', () => {
    const resolver = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    const chains = evmChainSettings(
      options({ chainsJson: JSON.stringify([{ id: 'ethereum', ensUniversalResolver: resolver }]) }),
    );
    expect(chains[0]!.ensUniversalResolver).toBe(resolver);
    // Unset, viem's mainnet default is used.
    expect(evmChainSettings(options({}))[0]!.ensUniversalResolver).toBeUndefined();
    expect(() =>
      evmChainSettings(options({ chainsJson: JSON.stringify([{ id: 'base', ensUniversalResolver: resolver }]) })),
    ).toThrow(/ensUniversalResolver is read on the ethereum entry only, not on base/);
  });
});
