import { isIP } from 'node:net';
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Every option Consentry reads from the environment, with its default and a one-line doc.
 * Nothing else in the code base reads `process.env`; the README's configuration table is
 * checked against this schema by a test.
 */
function option<T extends TSchema>(schema: T, description: string) {
  return { ...schema, description } as T;
}

const Str = (def: string | undefined, doc: string) =>
  option(def === undefined ? Type.Optional(Type.String({ minLength: 1 })) : Type.String({ default: def }), doc);
const Int = (def: number, doc: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  option(Type.Integer({ default: def, minimum: min, maximum: max }), doc);
const Bool = (def: boolean, doc: string) => option(Type.Boolean({ default: def }), doc);

export const ConfigSchema = Type.Object({
  NODE_ENV: option(
    Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
      default: 'development',
    }),
    'development, production or test. Production refuses to start without SECRET_KEY, an https ISSUER and (when serving scheduling) SMTP_URL, or with any *_ALLOW_LOOPBACK.',
  ),
  HOST: Str('localhost', 'Interface to listen on (use 0.0.0.0 behind a load balancer).'),
  PORT: Int(3000, 'TCP port to listen on.', 0, 65535),
  ISSUER: Str(undefined, 'The issuer URL, pinned; never derived from request headers. Default http://localhost:$PORT.'),
  DATABASE_URL: Str('sqlite:./data/consentry.db', 'sqlite:<file> (embedded, one node) or postgres://… (many nodes).'),
  DATABASE_POOL_SIZE: Int(10, 'PostgreSQL connection pool size per node.', 1, 200),
  DATABASE_CONNECT_TIMEOUT_MS: Int(
    3000,
    'PostgreSQL: a query waiting longer than this for a connection fails (the request answers 503 with Retry-After).',
    100,
    60_000,
  ),
  DATABASE_STATEMENT_TIMEOUT_MS: Int(
    10_000,
    'PostgreSQL: statements running longer than this are cancelled (statement_timeout), so an unanswering database never holds requests.',
    100,
    600_000,
  ),
  SQLITE_CACHE_MIB: Int(
    4,
    "SQLite: the page cache of the server's database connection, MiB (better-sqlite3's own default is 16 MB). A page it misses is read from the operating system's file cache; raise it if the database outgrows that.",
    1,
    4096,
  ),
  DATA_DIR: Str('./data', 'Where development files live (SQLite database, generated SECRET_KEY).'),
  SECRET_KEY: Str(
    undefined,
    '32 random bytes, base64url. Encrypts signing keys and credentials. Generated into DATA_DIR in development.',
  ),
  LOG_LEVEL: Str('info', 'pino log level: fatal, error, warn, info, debug, trace, silent.'),
  LOG_FORMAT: option(
    Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto' }),
    'json (one JSON object a line, for log collectors) or pretty (one readable line per entry); auto: pretty when stdout is a terminal and NODE_ENV is not production, else json.',
  ),
  SHUTDOWN_GRACE_MS: Int(
    10_000,
    'On SIGTERM or SIGINT a node stops accepting connections and waits this long for requests and background jobs in progress; then it closes what is left (unfinished jobs go back to the queue).',
    0,
    600_000,
  ),
  MEMORY_MODE: option(
    Type.Union([Type.Literal('lean'), Type.Literal('smallest')], { default: 'lean' }),
    "lean: `consentry start` loads with V8 favouring memory over speed (--optimize-for-size), then serves with V8's defaults, so the heap is built small and grows only under load (idle ~105 MiB instead of ~142); smallest: favour memory while serving too (peak a little lower, 13–40% more CPU per token request in the bench).",
  ),
  TRUST_PROXY: Bool(false, 'Trust X-Forwarded-For from a reverse proxy for client IPs (never for the issuer).'),
  PRODUCTS: Str('portfolio,scheduling', 'Comma-separated products this deployment serves.'),
  SMTP_URL: Str(
    undefined,
    'smtp://user:pass@host:port for one-time codes by email. Unset: codes are logged (development).',
  ),
  MAIL_FROM: Str('Consentry <no-reply@localhost>', 'From address of emails.'),
  TWILIO_ACCOUNT_SID: Str(undefined, 'Twilio account SID for SMS codes. Unset (with the two below): codes are logged.'),
  TWILIO_AUTH_TOKEN: Str(undefined, 'Twilio auth token.'),
  TWILIO_FROM: Str(undefined, 'Sender number (E.164) or messaging service SID.'),
  SMS_MAX_PER_HOUR: Int(
    100,
    'Sign-in text messages all nodes together may send per rolling hour (toll-fraud cap; past it SMS sign-in pauses).',
    1,
  ),
  TWILIO_API_URL: Str('https://api.twilio.com', 'Base URL of the Twilio REST API (tests point it at a local server).'),
  TOKEN_PROFILE: Str(
    undefined,
    "Force one token lifetime profile for every resource (calico or caledee: a served product's profile). Unset: per resource.",
  ),
  REFRESH_REUSE_GRACE_SECONDS: Int(10, 'Window after a rotation in which a replay returns the same successor.', 0, 300),
  AUTHORIZATION_CODE_TTL_SECONDS: Int(60, 'Lifetime of authorization codes.', 1, 600),
  ACCESS_TOKEN_TTL_MIN_SECONDS: Int(60, 'Lower limit for per-client access token lifetimes.', 1),
  ACCESS_TOKEN_TTL_MAX_SECONDS: Int(86_400, 'Upper limit for per-client access token lifetimes.', 1),
  REFRESH_TOKEN_TTL_MAX_SECONDS: Int(2 * 365 * 86_400, 'Upper limit for per-client refresh token lifetimes.', 60),
  SESSION_TTL_SECONDS: Int(14 * 86_400, 'Lifetime of a sign-in session cookie.', 60),
  OTP_RESEND_SECONDS: Int(30, 'Minimum seconds between two one-time codes to one address.', 0, 600),
  SIGNIN_RATE_LIMIT_PER_MINUTE: Int(
    30,
    'Sign-in and resend requests one IP address may make per minute (across nodes with REDIS_URL).',
    1,
  ),
  WEBAUTHN_RP_ID: Str(
    undefined,
    "Passkeys' relying party ID: the ISSUER's host or a parent domain of it (example.com for auth.example.com). Default: the ISSUER's host; an IP address host offers no passkeys.",
  ),
  WEBAUTHN_RP_NAME: Str('Consentry', 'The name passkey prompts show for this server.'),
  REGISTRATION_INITIAL_ACCESS_TOKEN: Str(
    undefined,
    'When set, RFC 7591 registration needs it as a Bearer token; unset, registration is open (rate-limited).',
  ),
  REGISTRATION_RATE_LIMIT_PER_MINUTE: Int(10, 'Dynamic registrations one IP address may make per minute.', 1),
  REGISTRATION_SECRET_TTL_SECONDS: Int(
    90 * 86_400,
    'Lifetime of client secrets issued by dynamic registration (0 = never expire).',
    0,
  ),
  CLIENT_METADATA_DOCUMENTS: Bool(
    true,
    'Accept https URLs as client_id (client ID metadata documents), fetched with SSRF guards.',
  ),
  CLIENT_METADATA_ALLOW_LOOPBACK: Bool(
    false,
    'Allow metadata documents on loopback addresses, over http too (development and tests only).',
  ),
  CLIENT_METADATA_CA_FILE: Str(
    undefined,
    'Extra PEM certificate authority trusted when fetching metadata documents (development and tests).',
  ),
  CLIENT_METADATA_TIMEOUT_MS: Int(
    5000,
    "Deadline for fetching a client metadata document or a client's jwks_uri.",
    100,
    30_000,
  ),
  CLIENT_METADATA_CACHE_SECONDS: Int(
    3600,
    'How long a fetched metadata document is trusted (Cache-Control max-age may shorten it, never below 60 s).',
    60,
    86_400,
  ),
  CLIENT_JWKS_ALLOW_LOOPBACK: Bool(
    false,
    "Allow a client's jwks_uri on loopback addresses, over http too (development and tests only).",
  ),
  CLIENT_JWKS_CACHE_SECONDS: Int(
    300,
    "How long a node uses a client's keys fetched from its jwks_uri before fetching them again.",
    1,
    86_400,
  ),
  CLIENT_JWKS_REFETCH_SECONDS: Int(
    10,
    'Minimum seconds between two fetches of one jwks_uri when a JWT names a key the cached set lacks (a key rotation).',
    0,
    3600,
  ),
  PAR_REQUEST_URI_TTL_SECONDS: Int(
    60,
    'Lifetime of a request_uri from /oauth/par (RFC 9126); each is good for one authorization request.',
    5,
    600,
  ),
  REQUIRE_PUSHED_AUTHORIZATION_REQUESTS: Bool(
    false,
    'Refuse authorization requests that do not come through /oauth/par (a client can also require it for itself).',
  ),
  CLIENT_LOGO_ALLOW_LOOPBACK: Bool(
    false,
    'Fetch client logos (served at /logos/<client_id>) from loopback addresses, over http too (development and tests only).',
  ),
  BACKCHANNEL_LOGOUT_ALLOW_LOOPBACK: option(
    Type.Optional(Type.Boolean()),
    'Accept and deliver to back-channel logout URIs on loopback addresses, over http too (tests only). Unset: on only when NODE_ENV is test.',
  ),
  BACKCHANNEL_LOGOUT_TIMEOUT_MS: Int(
    5000,
    'Deadline of one back-channel logout token delivery (connect to status line).',
    100,
    60_000,
  ),
  BACKCHANNEL_LOGOUT_MAX_ATTEMPTS: Int(
    6,
    'Deliveries of one logout token at most (a failure is retried after 2 s, doubling: 6 attempts span about a minute).',
    1,
    20,
  ),
  TRY_APP: option(
    Type.Optional(Type.Boolean()),
    'Serve the built-in "Try it out" app at /try. Unset: on unless NODE_ENV is production.',
  ),
  INTERACTION_TTL_SECONDS: Int(1800, 'How long a pending authorization request waits for sign-in and consent.', 60),
  AUTHORIZE_RATE_LIMIT_PER_MINUTE: Int(
    120,
    'Authorization requests (/oauth/authorize and product entry points) one IP address may make per minute.',
    1,
  ),
  AUTHORIZE_MAX_PENDING_PER_IP: Int(
    100,
    'Pending authorization requests one IP address may have at once (429 past it, until some finish or expire).',
    1,
  ),
  DEVICE_CODE_TTL_SECONDS: Int(
    600,
    'Lifetime of a device authorization (RFC 8628): how long its user code can be entered and its device code polled.',
    60,
    3600,
  ),
  DEVICE_POLL_INTERVAL_SECONDS: Int(
    5,
    'Seconds a device waits between two polls of the token endpoint; a faster poll gets slow_down and 5 s more.',
    1,
    60,
  ),
  DEVICE_AUTHORIZATION_RATE_LIMIT_PER_MINUTE: Int(
    30,
    'Device authorization requests (/oauth/device_authorization) one IP address may make per minute.',
    1,
  ),
  DEVICE_CODE_ENTRY_RATE_LIMIT_PER_MINUTE: Int(
    10,
    'User codes one IP address may enter on /device per minute (guards against guessing; across nodes with REDIS_URL).',
    1,
  ),
  ACCESS_TOKEN_CACHE_SIZE: Int(
    4096,
    'Verified access tokens a node remembers until they expire (~420 bytes each; expired ones leave as new ones come), so a token presented again skips the signature check (0 = none).',
    0,
    1_000_000,
  ),
  REVOCATION_CACHE_MS: Int(
    2000,
    'Resource servers cache "not revoked" this long (bounded staleness across nodes without Redis).',
    0,
    60_000,
  ),
  CLIENT_CACHE_MS: Int(
    1000,
    'A node trusts a client it looked up this long; changes made elsewhere show within it (0 = no cache).',
    0,
    60_000,
  ),
  USER_CACHE_MS: Int(
    1000,
    "A node trusts a person's profile it looked up (UserInfo's claims) this long; changes made elsewhere show within it (0 = no cache).",
    0,
    60_000,
  ),
  KEY_RELOAD_SECONDS: Int(60, 'How often a node reloads signing keys from the database (rotation without restart).', 1),
  KEY_RETIRE_GRACE_SECONDS: Int(
    86_400,
    'Extra time a retired key stays published after the last token it signed expired.',
    0,
  ),
  JANITOR_INTERVAL_SECONDS: Int(
    60,
    'How often expired codes, tokens, sessions and challenges are purged (0 = never).',
    0,
  ),
  JANITOR_BATCH_SIZE: Int(1000, 'Rows deleted per statement by the janitor.', 1, 100_000),
  JOBS_POLL_MS: Int(
    1000,
    'How often a node looks for due background jobs (its own enqueues wake it at once).',
    10,
    60_000,
  ),
  JOBS_CONCURRENCY: Int(4, 'Background jobs one node runs at the same time.', 1, 64),
  JOBS_LEASE_SECONDS: Int(300, 'A running job whose node stops answering is taken over after this long.', 5),
  METRICS_TOKEN: Str(
    undefined,
    'Bearer token /metrics requires. Unset: /metrics is public in development and not served in production.',
  ),
  REDIS_URL: Str(
    undefined,
    'redis://… to announce revocations to every node at once and share the DPoP proof replay cache (multi-node deployments).',
  ),
  DPOP_IAT_WINDOW_SECONDS: Int(
    60,
    'A DPoP proof is accepted while its iat is within this many seconds of the server clock, either way.',
    5,
    600,
  ),
  DPOP_NONCE: option(
    Type.Union([Type.Literal('token'), Type.Literal('all'), Type.Literal('off')], { default: 'token' }),
    'Where DPoP proofs must carry a server nonce (DPoP-Nonce, RFC 9449 §8): token (the token and PAR endpoints), all (resource servers and UserInfo too) or off.',
  ),
  DPOP_NONCE_ROTATION_SECONDS: Int(
    300,
    'A DPoP server nonce is current this long and still accepted one period more; derived from SECRET_KEY, so every node agrees without storage.',
    10,
    86_400,
  ),
  ETHEREUM_RPC_URL: Str(
    'https://ethereum-rpc.publicnode.com',
    'JSON-RPC URL of the Ethereum mainnet node wallets are read from (EVM_CHAINS may name another).',
  ),
  EVM_CHAINS: Str(
    '[]',
    'EVM networks as JSON. Ethereum, Base, Arbitrum One, OP Mainnet, Polygon PoS, BNB Smart Chain and Avalanche C-Chain are served by default (ids ethereum, base, arbitrum, optimism, polygon, bsc, avalanche); an entry with one of those ids overrides the fields it names ({"id":"base","rpcUrl":"…"}; "enabled":false drops it), an entry with a new id adds a chain: [{"id","name","chainId","rpcUrl","indexerUrl"?,"indexerApiKey"?,"indexerCallsPerSecond"?,"multicall3"?,"nativeSymbol"?,"nativeName"?,"coingeckoId"?,"coingeckoPlatform"?,"confirmations"?,"startBlock"?}]. indexerUrl is an Etherscan-compatible account API (Etherscan v2 with ?chainid=N, Blockscout /api); a chain without one is read by scanning blocks from its startBlock (required then).',
  ),
  ETHERSCAN_API_KEY: Str(
    undefined,
    'Etherscan API key, sent only to indexers on etherscan.io (BNB Smart Chain by default; a paid plan for Base and BNB). Unset: keyless indexers only.',
  ),
  EVM_INDEXER_CALLS_PER_SECOND: Int(
    5,
    'Calls per second one node makes to an indexer the defaults do not describe (Blockscout keyless: 5, Etherscan free: 3, Routescan keyless: 2).',
    1,
    10_000,
  ),
  EVM_INDEXER_PAGE_SIZE: Int(
    1000,
    'Records one indexer call asks for (offset); one sync step reads one page of each list.',
    1,
    10_000,
  ),
  EVM_BLOCKS_PER_SYNC: Int(
    5000,
    'Blocks one sync step scans on a chain without an indexer, before saving its cursor.',
    1,
  ),
  ESPLORA_URL: Str(
    'https://blockstream.info/api',
    'Base URL of the Esplora HTTP API used for Bitcoin addresses and xpubs.',
  ),
  BITCOIN_GAP_LIMIT: Int(20, 'Unused addresses in a row that end an xpub scan (BIP44 gap limit).', 1),
  SOLANA_RPC_URL: Str(
    'https://api.mainnet-beta.solana.com',
    'JSON-RPC URL of the Solana mainnet node the portfolio reads Solana wallets from (the public one is heavily rate-limited).',
  ),
  SOLANA_SIGNATURES_PER_PAGE: Int(
    100,
    'Signatures one Solana history step reads (getSignaturesForAddress limit) before saving its cursor.',
    1,
    1000,
  ),
  COINGECKO_API_URL: Str('https://api.coingecko.com/api/v3', 'Base URL of the CoinGecko API (prices).'),
  COINGECKO_API_KEY: Str(
    undefined,
    'CoinGecko API key; optional. A Pro key goes with COINGECKO_API_URL=https://pro-api.coingecko.com/api/v3, a demo key with the default URL.',
  ),
  COINGECKO_CALLS_PER_MINUTE: option(
    Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
    "Requests a minute each node sends CoinGecko (a rolling window). Unset: the documented limit of the key's plan — 5 without a key, 30 with a demo key, 250 with a Pro key (Basic; raise it for larger plans).",
  ),
  PRICE_CACHE_SECONDS: Int(300, 'How long a current price is reused before CoinGecko is asked again.', 1),
  PORTFOLIO_PROVIDER_CONCURRENCY: Int(2, 'Syncs of one provider (chain, exchange) a node runs at once.', 1, 64),
  PORTFOLIO_REFRESH_COOLDOWN_SECONDS: Int(
    60,
    'Minimum seconds between two refreshes of one connection (429 with Retry-After inside it).',
    0,
  ),
  PORTFOLIO_SOURCE_TIMEOUT_MS: Int(15000, 'Deadline of one request to a provider (RPC node, Esplora, CoinGecko).', 1),
  PORTFOLIO_CSV_MAX_BYTES: Int(
    10_485_760,
    'Largest CSV file one import accepts, in bytes (UTF-8); larger ones are refused with 413.',
    1,
  ),
  PORTFOLIO_CSV_MAX_ROWS: Int(200_000, 'Most rows (after the header) one CSV import accepts; more is a 400.', 1),
  EXCHANGE_API_URLS: Str(
    '{}',
    'Exchange API base URLs as JSON, provider id to URL ({"binance":"https://api.binance.us"}): replaces the scheme and host of every endpoint ccxt calls.',
  ),
  EXCHANGE_OAUTH_URLS: Str(
    '{}',
    'OAuth endpoints of exchanges linked by OAuth, as JSON: provider id to {"authorize","token","revoke"}.',
  ),
  COINBASE_OAUTH_CLIENT_ID: Str(
    undefined,
    "Consentry's OAuth client id at Coinbase; unset: Coinbase links by API key only.",
  ),
  COINBASE_OAUTH_CLIENT_SECRET: Str(undefined, "Consentry's OAuth client secret at Coinbase."),
  PORTFOLIO_ALLOW_TRADING_KEYS: Bool(
    false,
    'Accept exchange API keys that can trade or withdraw (by default such a key is refused with guidance).',
  ),
  PORTFOLIO_REQUIRE_FAPI2: Bool(
    false,
    'Only FAPI 2.0 clients (registered with fapi2) may register for, request or refresh the portfolio scopes; others get invalid_scope.',
  ),
  PORTFOLIO_EXCHANGE_HISTORY_START: Str(
    '2017-01-01',
    'Date (YYYY-MM-DD, UTC) an exchange history is read from on a first sync.',
  ),
  PORTFOLIO_SPAM_TOKENS_FILE: Str(
    undefined,
    'Path of a JSON list of spam tokens read beside the shipped one, in its format (`{"tokens":[{"chain","contract","note"?}]}`).',
  ),
  WEBHOOK_ALLOW_LOOPBACK: option(
    Type.Optional(Type.Boolean()),
    'Deliver webhooks to loopback addresses, over http too (tests only). Unset: on only when NODE_ENV is test.',
  ),
  WEBHOOK_TIMEOUT_MS: Int(10_000, 'Deadline of one webhook delivery attempt (connect to status line).', 100, 60_000),
  BOOKING_RATE_LIMIT_PER_MINUTE: Int(
    10,
    'Public bookings, cancellations and reschedules one IP address may make per minute (across nodes with REDIS_URL).',
    1,
  ),
  BOOKING_HOST_RATE_LIMIT_PER_MINUTE: Int(
    30,
    'Public bookings, cancellations and reschedules of one host per minute, from all addresses together.',
    1,
  ),
  BOOKINGS_PER_INVITEE_PER_DAY: Int(
    3,
    'Bookings one invitee email address may make with one host per day on the public pages (0 = no cap).',
    0,
  ),
});

export type Config = Static<typeof ConfigSchema> & { ISSUER: string };

export class ConfigError extends Error {}

/** Reads, converts and validates the environment; throws ConfigError with every problem listed. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const converted = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, raw));
  const errors = [...Value.Errors(ConfigSchema, converted)];
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.path.slice(1) || '(root)'}: ${e.message} (got ${JSON.stringify(e.value)})`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = converted as Static<typeof ConfigSchema>;
  const issuer = (config.ISSUER ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  checkIssuer(issuer);
  if (config.WEBAUTHN_RP_ID !== undefined) checkRelyingPartyId(config.WEBAUTHN_RP_ID, new URL(issuer).hostname);
  if (config.NODE_ENV === 'production') {
    if (!config.SECRET_KEY) throw new ConfigError('SECRET_KEY is required in production.');
    if (!config.ISSUER) throw new ConfigError('ISSUER is required in production.');
    checkProductionSafety(config, issuer);
    // Booking emails carry the invitee's manage link, a bearer credential: never to the log.
    const scheduling = config.PRODUCTS.split(',')
      .map((p) => p.trim())
      .includes('scheduling');
    if (scheduling && !config.SMTP_URL)
      throw new ConfigError(
        'SMTP_URL is required in production when the scheduling product is served (booking emails carry manage links and are never written to the log). Set SMTP_URL, or leave scheduling out of PRODUCTS.',
      );
  }
  return { ...config, ISSUER: issuer };
}

/**
 * Production serves real people: cookies need `Secure` (an https issuer) and the options that
 * let server-side fetches reach loopback addresses exist for development and tests only.
 */
function checkProductionSafety(config: Static<typeof ConfigSchema>, issuer: string): void {
  if (!issuer.startsWith('https://'))
    throw new ConfigError(
      `ISSUER must be an https URL in production (got ${issuer}): sign-in cookies would travel without Secure.`,
    );
  const loopback = Object.entries(config)
    .filter(([name, value]) => name.endsWith('_ALLOW_LOOPBACK') && value === true)
    .map(([name]) => name);
  if (loopback.length > 0)
    throw new ConfigError(
      `${loopback.join(', ')} must not be true in production: it lets server-side fetches reach this machine (development and tests only).`,
    );
}

function checkIssuer(issuer: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError(`ISSUER is not a URL: ${issuer}`);
  }
  if (url.search || url.hash) throw new ConfigError('ISSUER must not carry a query or fragment.');
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError('ISSUER must be http(s).');
}

/**
 * A passkey's relying party ID must be a domain (never an IP address) that is the issuer's host
 * or a parent of it, or browsers refuse every ceremony (WebAuthn Level 3 §5.1.3 / §5.1.4.1).
 */
function checkRelyingPartyId(value: string, issuerHost: string): void {
  const rpId = value.toLowerCase();
  const bareHost = issuerHost.replace(/^\[|\]$/g, '');
  if (isIP(rpId) || isIP(bareHost))
    throw new ConfigError(`WEBAUTHN_RP_ID must be a domain name, and ISSUER's host too (got ${rpId}, ${issuerHost}).`);
  if (rpId !== issuerHost && !issuerHost.endsWith(`.${rpId}`))
    throw new ConfigError(
      `WEBAUTHN_RP_ID must be ISSUER's host (${issuerHost}) or a parent domain of it (got ${rpId}).`,
    );
}

/** Options documented in the README, for the test that keeps the two in step. */
export function describeConfig(): Array<{ name: string; default: unknown; description: string }> {
  return Object.entries(ConfigSchema.properties).map(([name, schema]) => ({
    name,
    default: (schema as { default?: unknown }).default,
    description: (schema as { description?: string }).description ?? '',
  }));
}
