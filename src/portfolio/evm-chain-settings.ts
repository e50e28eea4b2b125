import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DEFAULT_EVM_NETWORKS, type EvmNetworkDefaults } from './evm-networks.ts';

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$' });

/** One entry of EVM_CHAINS: a new chain, or fields that override a default network of the same id. */
const EvmChainEntry = Type.Object({
  id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$' }),
  name: Type.Optional(Type.String({ minLength: 1 })),
  chainId: Type.Optional(Type.Integer({ minimum: 1 })),
  rpcUrl: Type.Optional(HttpUrl),
  indexerUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  indexerApiKey: Type.Optional(Type.String({ minLength: 1 })),
  indexerCallsPerSecond: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
  multicall3: Type.Optional(Type.Union([Type.String({ pattern: '^0x[0-9a-fA-F]{40}$' }), Type.Null()])),
  ensUniversalResolver: Type.Optional(Type.String({ pattern: '^0x[0-9a-fA-F]{40}$' })),
  nativeSymbol: Type.Optional(Type.String({ minLength: 1, maxLength: 12 })),
  nativeName: Type.Optional(Type.String()),
  coingeckoId: Type.Optional(Type.String()),
  coingeckoPlatform: Type.Optional(Type.String()),
  confirmations: Type.Optional(Type.Integer({ minimum: 0 })),
  startBlock: Type.Optional(Type.Integer({ minimum: 0 })),
  opStack: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
});
type EvmChainEntry = Static<typeof EvmChainEntry>;

/** An Etherscan-compatible account API (Etherscan v2, Blockscout, Routescan) and how fast it may be called. */
export interface EvmIndexer {
  /** Base URL with its query kept (Etherscan v2 names the chain there: `?chainid=8453`). */
  url: string;
  apiKey?: string;
  callsPerSecond: number;
}

export interface EvmChain {
  id: string;
  name: string;
  chainId: number;
  rpcUrl: string;
  nativeSymbol: string;
  nativeName: string;
  confirmations: number;
  /** Where the block scan starts (chains without an indexer only). */
  startBlock: number;
  coingeckoId?: string;
  coingeckoPlatform?: string;
  /** Absent: the chain is read by scanning blocks from `startBlock` (development chains). */
  indexer?: EvmIndexer;
  /** Multicall3's address; absent: balances are read one call each. */
  multicall3?: string;
  /** An OP-stack chain: a transaction's fee includes the L1 data fee its receipt reports. */
  opStack?: boolean;
  /** Ethereum only: ENS's Universal Resolver; absent: viem's mainnet default. */
  ensUniversalResolver?: string;
}

export interface EvmChainOptions {
  /** EVM_CHAINS, JSON. */
  chainsJson: string;
  /** ETHEREUM_RPC_URL: Ethereum's node unless EVM_CHAINS names one. */
  ethereumRpcUrl: string;
  /** ETHERSCAN_API_KEY: sent to indexers on Etherscan's own host only. */
  etherscanApiKey: string | undefined;
  /** EVM_INDEXER_CALLS_PER_SECOND: for indexers the defaults do not describe. */
  indexerCallsPerSecond: number;
}

/** The chain ENS names are resolved on (its RPC node, its Universal Resolver). */
export const ENS_CHAIN_ID = 'ethereum';

// Other providers' ids: a chain named like one would shadow it in the catalogue.
const RESERVED_IDS = new Set([
  'bitcoin',
  'csv',
  'solana',
  'evm',
  'binance',
  'coinbase',
  'kraken',
  'okx',
  'bybit',
  'kucoin',
  'gemini',
  'bitstamp',
]);

/**
 * The seven default networks with EVM_CHAINS applied (an entry with a default's id changes only
 * the fields it names; `"enabled": false` drops it), then the chains EVM_CHAINS adds.
 * @throws Error naming the problem when EVM_CHAINS is not valid JSON of the documented shape.
 */
export function evmChainSettings(options: EvmChainOptions): EvmChain[] {
  const entries = parseEntries(options.chainsJson);
  const byId = new Map(entries.map((e) => [e.id, e]));
  if (byId.size !== entries.length) throw new Error('EVM_CHAINS names one chain id twice');
  const chains: EvmChain[] = [];
  for (const defaults of DEFAULT_EVM_NETWORKS) {
    const entry = byId.get(defaults.id);
    if (entry?.enabled === false) continue;
    chains.push(resolveDefault(defaults, entry ?? { id: defaults.id }, options));
  }
  for (const entry of entries) {
    // ENS lives on Ethereum: names are resolved there whatever network the address is linked on.
    if (entry.ensUniversalResolver && entry.id !== ENS_CHAIN_ID)
      throw new Error(`EVM_CHAINS: ensUniversalResolver is read on the ${ENS_CHAIN_ID} entry only, not on ${entry.id}`);
    if (DEFAULT_EVM_NETWORKS.some((d) => d.id === entry.id) || entry.enabled === false) continue;
    if (RESERVED_IDS.has(entry.id)) throw new Error(`EVM_CHAINS uses the reserved provider id ${entry.id}`);
    chains.push(resolveNew(entry, options));
  }
  const chainIds = new Set(chains.map((c) => c.chainId));
  if (chainIds.size !== chains.length) throw new Error('EVM_CHAINS serves one chainId under two ids');
  return chains;
}

function parseEntries(text: string): EvmChainEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('EVM_CHAINS is not valid JSON');
  }
  const schema = Type.Array(EvmChainEntry);
  if (!Value.Check(schema, value)) {
    const first = [...Value.Errors(schema, value)][0];
    throw new Error(`EVM_CHAINS is invalid at ${first?.path ?? '/'}: ${first?.message ?? 'bad shape'}`);
  }
  return value;
}

function resolveDefault(defaults: EvmNetworkDefaults, entry: EvmChainEntry, options: EvmChainOptions): EvmChain {
  const rpcUrl = entry.rpcUrl ?? (defaults.id === 'ethereum' ? options.ethereumRpcUrl : defaults.rpcUrl);
  const indexerUrl = entry.indexerUrl === undefined ? defaults.indexerUrl : entry.indexerUrl;
  const rate =
    entry.indexerCallsPerSecond ??
    (indexerUrl === defaults.indexerUrl ? defaults.indexerCallsPerSecond : options.indexerCallsPerSecond);
  return finish(
    {
      ...defaults,
      ...definedOf(entry),
      rpcUrl,
      multicall3: entry.multicall3 === undefined ? defaults.multicall3 : entry.multicall3,
    },
    indexerUrl,
    entry.indexerApiKey,
    rate,
    options,
  );
}

function resolveNew(entry: EvmChainEntry, options: EvmChainOptions): EvmChain {
  const { name, chainId, rpcUrl } = entry;
  if (!name || !chainId || !rpcUrl)
    throw new Error(`EVM_CHAINS: the new chain ${entry.id} needs "name", "chainId" and "rpcUrl"`);
  const nativeSymbol = entry.nativeSymbol ?? 'ETH';
  return finish(
    {
      ...definedOf(entry),
      name,
      chainId,
      rpcUrl,
      nativeSymbol,
      nativeName: entry.nativeName ?? nativeSymbol,
      confirmations: entry.confirmations ?? 0,
      multicall3: entry.multicall3 ?? null,
    },
    entry.indexerUrl ?? null,
    entry.indexerApiKey,
    entry.indexerCallsPerSecond ?? options.indexerCallsPerSecond,
    options,
  );
}

type Merged = Omit<EvmChain, 'indexer' | 'multicall3' | 'startBlock'> & {
  startBlock?: number;
  multicall3: string | null;
};

function finish(
  merged: Merged,
  indexerUrl: string | null,
  apiKey: string | undefined,
  callsPerSecond: number,
  options: EvmChainOptions,
): EvmChain {
  // Scanning blocks from genesis is no sync strategy: without an indexer the start must be chosen.
  if (!indexerUrl && merged.startBlock === undefined)
    throw new Error(`EVM_CHAINS: chain ${merged.id} has no indexerUrl, so it needs a "startBlock" for the block scan`);
  const key = apiKey ?? (indexerUrl && isEtherscan(indexerUrl) ? options.etherscanApiKey : undefined);
  return {
    id: merged.id,
    name: merged.name,
    chainId: merged.chainId,
    rpcUrl: merged.rpcUrl,
    nativeSymbol: merged.nativeSymbol,
    nativeName: merged.nativeName,
    confirmations: merged.confirmations,
    startBlock: merged.startBlock ?? 0,
    ...(merged.coingeckoId ? { coingeckoId: merged.coingeckoId } : {}),
    ...(merged.coingeckoPlatform ? { coingeckoPlatform: merged.coingeckoPlatform } : {}),
    ...(indexerUrl ? { indexer: { url: indexerUrl, callsPerSecond, ...(key ? { apiKey: key } : {}) } } : {}),
    ...(merged.multicall3 ? { multicall3: merged.multicall3 } : {}),
    ...(merged.opStack ? { opStack: true } : {}),
    ...(merged.ensUniversalResolver ? { ensUniversalResolver: merged.ensUniversalResolver } : {}),
  };
}

/** The key belongs to Etherscan: it is never sent to another indexer. */
function isEtherscan(url: string): boolean {
  const host = new URL(url).hostname;
  return host === 'etherscan.io' || host.endsWith('.etherscan.io');
}

const NOT_CHAIN_FIELDS = new Set(['enabled', 'indexerUrl', 'indexerApiKey', 'indexerCallsPerSecond', 'multicall3']);

/** The chain's own fields an entry sets (the indexer's and the switches are resolved apart). */
function definedOf(entry: EvmChainEntry) {
  return Object.fromEntries(
    Object.entries(entry).filter(([k, v]) => v !== undefined && v !== null && !NOT_CHAIN_FIELDS.has(k)),
  ) as Omit<EvmChainEntry, 'enabled' | 'indexerUrl' | 'indexerApiKey' | 'indexerCallsPerSecond' | 'multicall3'>;
}
