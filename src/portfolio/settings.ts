import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Config } from '../config.ts';
import { evmChainSettings, type EvmChain } from './evm-chain-settings.ts';

export type { EvmChain, EvmIndexer } from './evm-chain-settings.ts';

/** What the portfolio reads from the configuration, checked once at start-up. */
export interface PortfolioSettings {
  evmChains: EvmChain[];
  esploraUrl: string;
  bitcoinGapLimit: number;
  solanaRpcUrl: string;
  solanaSignaturesPerPage: number;
  evmBlocksPerSync: number;
  /** Records one indexer call asks for (Etherscan's offset; page × offset stays within 10,000). */
  evmIndexerPageSize: number;
  coingeckoUrl: string;
  coingeckoKey: string | undefined;
  /** Requests a minute to CoinGecko (COINGECKO_CALLS_PER_MINUTE); undefined: the plan's documented limit. */
  coingeckoCallsPerMinute: number | undefined;
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
  /** An operator's own list of spam tokens, read beside the shipped one (PORTFOLIO_SPAM_TOKENS_FILE). */
  spamTokensFile: string | undefined;
}

/** @throws Error naming the problem when EVM_CHAINS is not valid JSON of the documented shape. */
export function portfolioSettings(config: Config): PortfolioSettings {
  const evmChains = evmChainSettings({
    chainsJson: config.EVM_CHAINS,
    ethereumRpcUrl: config.ETHEREUM_RPC_URL,
    etherscanApiKey: config.ETHERSCAN_API_KEY,
    indexerCallsPerSecond: config.EVM_INDEXER_CALLS_PER_SECOND,
  });
  return {
    evmChains,
    esploraUrl: config.ESPLORA_URL.replace(/\/+$/, ''),
    bitcoinGapLimit: config.BITCOIN_GAP_LIMIT,
    solanaRpcUrl: config.SOLANA_RPC_URL,
    solanaSignaturesPerPage: config.SOLANA_SIGNATURES_PER_PAGE,
    evmBlocksPerSync: config.EVM_BLOCKS_PER_SYNC,
    evmIndexerPageSize: config.EVM_INDEXER_PAGE_SIZE,
    coingeckoUrl: config.COINGECKO_API_URL.replace(/\/+$/, ''),
    coingeckoKey: config.COINGECKO_API_KEY,
    coingeckoCallsPerMinute: config.COINGECKO_CALLS_PER_MINUTE,
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
    spamTokensFile: config.PORTFOLIO_SPAM_TOKENS_FILE,
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
