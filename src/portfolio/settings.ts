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
  solanaRpcUrl: string;
  solanaSignaturesPerPage: number;
  evmBlocksPerSync: number;
  coingeckoUrl: string;
  coingeckoKey: string | undefined;
  priceCacheMs: number;
  refreshCooldownMs: number;
  sourceTimeoutMs: number;
  /** Size and row limits of one CSV import. */
  csvMaxBytes: number;
  csvMaxRows: number;
  /** Exchange API base URLs by provider id (EXCHANGE_API_URLS). */
  exchangeApiUrls: Record<string, string>;
  /** OAuth endpoints by provider id (EXCHANGE_OAUTH_URLS). */
  exchangeOAuthUrls: Record<string, Partial<Record<'authorize' | 'token' | 'revoke', string>>>;
  /** Consentry's OAuth client at each exchange that offers OAuth linking (configured ones only). */
  exchangeOAuthClients: Record<string, { clientId: string; clientSecret: string | undefined }>;
  allowTradingKeys: boolean;
  /** Unix ms an exchange history starts from on a first sync. */
  exchangeHistoryStart: number;
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
    if (['bitcoin', 'solana', 'csv'].includes(chain.id) || ids.has(chain.id))
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
    solanaRpcUrl: config.SOLANA_RPC_URL,
    solanaSignaturesPerPage: config.SOLANA_SIGNATURES_PER_PAGE,
    evmBlocksPerSync: config.EVM_BLOCKS_PER_SYNC,
    coingeckoUrl: config.COINGECKO_API_URL.replace(/\/+$/, ''),
    coingeckoKey: config.COINGECKO_API_KEY,
    priceCacheMs: config.PRICE_CACHE_SECONDS * 1000,
    refreshCooldownMs: config.PORTFOLIO_REFRESH_COOLDOWN_SECONDS * 1000,
    sourceTimeoutMs: config.PORTFOLIO_SOURCE_TIMEOUT_MS,
    csvMaxBytes: config.PORTFOLIO_CSV_MAX_BYTES,
    csvMaxRows: config.PORTFOLIO_CSV_MAX_ROWS,
    exchangeApiUrls: urlMap('EXCHANGE_API_URLS', config.EXCHANGE_API_URLS),
    exchangeOAuthUrls: oauthUrlMap(config.EXCHANGE_OAUTH_URLS),
    exchangeOAuthClients: config.COINBASE_OAUTH_CLIENT_ID
      ? { coinbase: { clientId: config.COINBASE_OAUTH_CLIENT_ID, clientSecret: config.COINBASE_OAUTH_CLIENT_SECRET } }
      : {},
    allowTradingKeys: config.PORTFOLIO_ALLOW_TRADING_KEYS,
    exchangeHistoryStart: historyStart(config.PORTFOLIO_EXCHANGE_HISTORY_START),
  };
}

const HttpUrl = Type.String({ pattern: '^https?://[^\\s]+$' });

function parseJsonSetting(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} is not valid JSON`);
  }
}

/** @throws Error when the setting is not a JSON object of provider id to http(s) URL. */
function urlMap(name: string, text: string): Record<string, string> {
  const value = parseJsonSetting(name, text);
  const schema = Type.Record(Type.String(), HttpUrl);
  if (!Value.Check(schema, value)) throw new Error(`${name} must be a JSON object of provider id to http(s) URL`);
  return Object.fromEntries(Object.entries(value).map(([id, url]) => [id, url.replace(/\/+$/, '')]));
}

function oauthUrlMap(text: string): PortfolioSettings['exchangeOAuthUrls'] {
  const value = parseJsonSetting('EXCHANGE_OAUTH_URLS', text);
  const schema = Type.Record(
    Type.String(),
    Type.Object(
      { authorize: Type.Optional(HttpUrl), token: Type.Optional(HttpUrl), revoke: Type.Optional(HttpUrl) },
      { additionalProperties: false },
    ),
  );
  if (!Value.Check(schema, value))
    throw new Error('EXCHANGE_OAUTH_URLS must be a JSON object of provider id to {"authorize","token","revoke"} URLs');
  return value;
}

function historyStart(text: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const at = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN;
  if (!match || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== text)
    throw new Error(`PORTFOLIO_EXCHANGE_HISTORY_START must be a date YYYY-MM-DD, got ${text}`);
  return at;
}
