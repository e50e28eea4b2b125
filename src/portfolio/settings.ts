import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../config.ts';

const EvmChainSchema = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
  name: Type.String({ minLength: 1 }),
  chainId: Type.Integer({ minimum: 1 }),
  rpcUrl: Type.String({ pattern: '^https?://' }),
  nativeSymbol: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
  nativeName: Type.Optional(Type.String()),
  coingeckoId: Type.Optional(Type.String()),
  coingeckoPlatform: Type.Optional(Type.String()),
  confirmations: Type.Optional(Type.Integer({ minimum: 0 })),
  startBlock: Type.Optional(Type.Integer({ minimum: 0 })),
});

export type EvmChain = Required<
  Pick<
    Static<typeof EvmChainSchema>,
    'id' | 'name' | 'chainId' | 'rpcUrl' | 'nativeSymbol' | 'nativeName' | 'confirmations' | 'startBlock'
  >
> &
  Pick<Static<typeof EvmChainSchema>, 'coingeckoId' | 'coingeckoPlatform'>;

/** What the portfolio reads from the configuration, checked once at start-up. */
export interface PortfolioSettings {
  evmChains: EvmChain[];
  esploraUrl: string;
  bitcoinGapLimit: number;
  evmBlocksPerSync: number;
  coingeckoUrl: string;
  coingeckoKey: string | undefined;
  priceCacheMs: number;
  refreshCooldownMs: number;
  sourceTimeoutMs: number;
  /** Size and row limits of one CSV import. */
  csvMaxBytes: number;
  csvMaxRows: number;
}

/** @throws Error naming the problem when EVM_CHAINS is not valid JSON of the documented shape. */
export function portfolioSettings(config: Config): PortfolioSettings {
  let extra: unknown;
  try {
    extra = JSON.parse(config.EVM_CHAINS);
  } catch {
    throw new Error('EVM_CHAINS is not valid JSON');
  }
  const listSchema = Type.Array(EvmChainSchema);
  if (!Value.Check(listSchema, extra)) {
    const first = [...Value.Errors(listSchema, extra)][0];
    throw new Error(`EVM_CHAINS is invalid at ${first?.path ?? '/'}: ${first?.message ?? 'bad shape'}`);
  }
  const ethereum: Static<typeof EvmChainSchema> = {
    id: 'ethereum',
    name: 'Ethereum',
    chainId: 1,
    rpcUrl: config.ETHEREUM_RPC_URL,
    nativeSymbol: 'ETH',
    nativeName: 'Ether',
    coingeckoId: 'ethereum',
    coingeckoPlatform: 'ethereum',
    confirmations: 12,
  };
  const chains = [extra.find((c) => c.id === 'ethereum') ?? ethereum, ...extra.filter((c) => c.id !== 'ethereum')];
  const ids = new Set<string>();
  for (const chain of chains) {
    if (chain.id === 'bitcoin' || chain.id === 'csv' || ids.has(chain.id))
      throw new Error(`EVM_CHAINS names the provider id ${chain.id} twice or reserved`);
    ids.add(chain.id);
  }
  return {
    evmChains: chains.map((c) => ({
      ...c,
      nativeSymbol: c.nativeSymbol ?? 'ETH',
      nativeName: c.nativeName ?? c.nativeSymbol ?? 'Ether',
      confirmations: c.confirmations ?? 0,
      startBlock: c.startBlock ?? 0,
    })),
    esploraUrl: config.ESPLORA_URL.replace(/\/+$/, ''),
    bitcoinGapLimit: config.BITCOIN_GAP_LIMIT,
    evmBlocksPerSync: config.EVM_BLOCKS_PER_SYNC,
    coingeckoUrl: config.COINGECKO_API_URL.replace(/\/+$/, ''),
    coingeckoKey: config.COINGECKO_API_KEY,
    priceCacheMs: config.PRICE_CACHE_SECONDS * 1000,
    refreshCooldownMs: config.PORTFOLIO_REFRESH_COOLDOWN_SECONDS * 1000,
    sourceTimeoutMs: config.PORTFOLIO_SOURCE_TIMEOUT_MS,
    csvMaxBytes: config.PORTFOLIO_CSV_MAX_BYTES,
    csvMaxRows: config.PORTFOLIO_CSV_MAX_ROWS,
  };
}
