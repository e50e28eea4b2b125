/**
 * Table shapes shared by SQLite and PostgreSQL. Times are epoch milliseconds (bigint in
 * PostgreSQL, parsed back to numbers), flags are 0/1 integers and lists are JSON text, so one
 * set of queries serves both dialects.
 */
export interface Database {
  users: UsersTable;
  otp_challenges: OtpChallengesTable;
  sessions: SessionsTable;
  passkeys: PasskeysTable;
  passkey_challenges: PasskeyChallengesTable;
  clients: ClientsTable;
  interactions: InteractionsTable;
  grants: GrantsTable;
  authorization_codes: AuthorizationCodesTable;
  device_authorizations: DeviceAuthorizationsTable;
  session_clients: SessionClientsTable;
  token_families: TokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  dpop_proofs: DpopProofsTable;
  signing_keys: SigningKeysTable;
  jobs: JobsTable;
  personal_access_tokens: PersonalAccessTokensTable;
  pushed_authorization_requests: PushedAuthorizationRequestsTable;
  seen_jtis: SeenJtisTable;
  // --- scheduling product (src/scheduling) ---
  scheduling_hosts: SchedulingHostsTable;
  scheduling_schedules: SchedulingSchedulesTable;
  scheduling_event_types: SchedulingEventTypesTable;
  scheduling_bookings: SchedulingBookingsTable;
  scheduling_webhooks: SchedulingWebhooksTable;
  scheduling_webhook_deliveries: SchedulingWebhookDeliveriesTable;
  // --- portfolio product (src/portfolio) ---
  portfolio_connections: PortfolioConnectionsTable;
  portfolio_credentials: PortfolioCredentialsTable;
  portfolio_csv_parts: PortfolioCsvPartsTable;
  portfolio_assets: PortfolioAssetsTable;
  portfolio_positions: PortfolioPositionsTable;
  portfolio_transactions: PortfolioTransactionsTable;
  portfolio_refreshes: PortfolioRefreshesTable;
  portfolio_refresh_connections: PortfolioRefreshConnectionsTable;
  portfolio_prices: PortfolioPricesTable;
  portfolio_current_prices: PortfolioCurrentPricesTable;
  portfolio_coins: PortfolioCoinsTable;
  portfolio_coin_list: PortfolioCoinListTable;
  portfolio_token_activity: PortfolioTokenActivityTable;
  portfolio_spam_assets: PortfolioSpamAssetsTable;
  portfolio_app_choices: PortfolioAppChoicesTable;
  portfolio_app_connections: PortfolioAppConnectionsTable;
  portfolio_access_log: PortfolioAccessLogTable;
}

export interface UsersTable {
  id: string;
  email: string | null;
  phone: string | null;
  email_verified_at: number | null;
  phone_verified_at: number | null;
  name: string | null;
  time_zone: string | null;
  created_at: number;
  updated_at: number;
}

export interface OtpChallengesTable {
  id: string;
  channel: 'email' | 'sms';
  destination: string;
  code_hash: string;
  attempts: number;
  expires_at: number;
  created_at: number;
  consumed_at: number | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  auth_time: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

/** A WebAuthn credential: its id and COSE public key base64url, transports as a JSON list. */
export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  /** The authenticator's signature counter as last seen (0 for authenticators that keep none). */
  counter: number;
  transports: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

/** An unanswered WebAuthn challenge; `session_id` binds a registration, `flow_hash` a sign-in. */
export interface PasskeyChallengesTable {
  challenge: string;
  purpose: 'register' | 'sign-in';
  user_id: string | null;
  session_id: string | null;
  flow_hash: string | null;
  created_at: number;
  expires_at: number;
}

export interface ClientsTable {
  id: string;
  name: string;
  type: 'public' | 'confidential';
  secret_hash: string | null;
  secret_expires_at: number | null;
  redirect_uris: string;
  allowed_scopes: string;
  default_scopes: string;
  grant_types: string;
  logo_uri: string | null;
  allow_plain_pkce: number;
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  owner_user_id: string | null;
  created_at: number;
  updated_at: number;
  /** console | cli | dcr (RFC 7591) | metadata (client ID metadata document). */
  registered_via?: string;
  application_type?: string;
  token_endpoint_auth_method?: string | null;
  registration_token_hash?: string | null;
  /** The registered metadata as sent (JSON), for RFC 7592 reads. */
  metadata?: string | null;
  metadata_expires_at?: number | null;
  /** 1 when an operator vouches for the app (CLI-created, or `clients verify`): no "unverified" notice. */
  verified?: number;
  /** JSON list: where RP-initiated logout may send the browser back to (exact match). */
  post_logout_redirect_uris?: string;
  /** OIDC Back-Channel Logout: where logout tokens are POSTed. */
  backchannel_logout_uri?: string | null;
  backchannel_logout_session_required?: number;
  /** The client's public keys (a JWK Set as JSON), for private_key_jwt and request objects. */
  jwks?: string | null;
  jwks_uri?: string | null;
  /** client_secret_jwt: the secret itself, sealed (HMAC verification needs it, not a hash). */
  secret_sealed?: string | null;
  request_object_signing_alg?: string | null;
  token_endpoint_auth_signing_alg?: string | null;
  require_pushed_authorization_requests?: number;
  /** 1: the FAPI 2.0 Security Profile applies to every request of this client. */
  fapi2?: number;
  /** RFC 9449 §5.2: 1 when every token request of the client must carry a DPoP proof. */
  dpop_bound_access_tokens?: number;
}

/** RFC 9126: a pushed authorization request, redeemed once at /authorize by its request_uri. */
export interface PushedAuthorizationRequestsTable {
  request_uri_hash: string;
  client_id: string;
  /** The validated request's parameters as JSON ({single, resource}). */
  params: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** JWT ids already used (client assertions, request objects), kept until the JWT expires. */
export interface SeenJtisTable {
  key_hash: string;
  expires_at: number;
}

export interface InteractionsTable {
  id: string;
  client_id: string;
  request: string;
  created_at: number;
  expires_at: number;
  /** SHA-256 of the requester's IP address, to bound pending requests per address. */
  requester: string | null;
}

export interface GrantsTable {
  id: string;
  user_id: string;
  client_id: string;
  scopes: string;
  resources: string;
  created_at: number;
  updated_at: number;
  revoked_at: number | null;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  grant_id: string;
  redirect_uri: string;
  redirect_uri_sent: number;
  code_challenge: string | null;
  code_challenge_method: string | null;
  scopes: string;
  resources: string;
  nonce: string | null;
  auth_time: number;
  expires_at: number;
  consumed_at: number | null;
  family_id: string | null;
  /** The sign-in session the code was issued in: its ID token's `sid` (absent for older codes). */
  session_id?: string | null;
  /** RFC 9449 §10: the DPoP key the code's token request must prove (from `dpop_jkt` or a proof at PAR). */
  dpop_jkt?: string | null;
}

export interface DeviceAuthorizationsTable {
  id: string;
  device_code_hash: string;
  /** A keyed hash (HMAC) of the normalised user code: 34 bits are too few for a plain hash. */
  user_code_hash: string;
  client_id: string;
  scopes: string;
  resources: string;
  status: 'pending' | 'approved' | 'denied' | 'consumed';
  /** Seconds the device must wait between polls; slow_down adds 5. */
  poll_interval: number;
  last_polled_at: number | null;
  user_id: string | null;
  grant_id: string | null;
  auth_time: number | null;
  family_id: string | null;
  created_at: number;
  expires_at: number;
}

export interface TokenFamiliesTable {
  id: string;
  grant_id: string | null;
  client_id: string;
  user_id: string | null;
  scopes: string;
  resources: string;
  auth_time: number | null;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  /** The sign-in session the family's code was issued in: `sid` of ID tokens issued at refresh. */
  session_id?: string | null;
}

export interface RefreshTokensTable {
  id: string;
  token_hash: string;
  family_id: string;
  parent_id: string | null;
  status: 'active' | 'rotated' | 'revoked';
  scopes: string;
  created_at: number;
  expires_at: number;
  rotated_at: number | null;
  /** The access token issued with this refresh token, revoked on rotation under `caledee`. */
  access_jti: string | null;
  access_expires_at: number | null;
  /**
   * Once rotated, what a replay inside the grace window is checked against until
   * `successor_response_expires_at`: `replayable:` and the rotating request's fingerprint, kept
   * with the row. Rows rotated by earlier versions hold the successor's whole response, sealed,
   * which the janitor clears once the window closed.
   */
  successor_response: string | null;
  successor_response_expires_at: number | null;
  /** RFC 7638 thumbprint of the DPoP key a public client's refresh token is bound to (RFC 9449 §5). */
  dpop_jkt: string | null;
}

/** DPoP proofs already used, by key thumbprint and `jti` (the replay cache on PostgreSQL without Redis). */
export interface DpopProofsTable {
  id: string;
  expires_at: number;
}

export interface RevokedAccessTokensTable {
  jti: string;
  expires_at: number;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  private_jwk_sealed: string;
  status: 'next' | 'active' | 'retired';
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  publish_until: number | null;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  dedupe_key: string | null;
  status: 'pending' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface PersonalAccessTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  scopes: string;
  created_at: number;
  last_used_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
}

// --- scheduling product (src/scheduling; migration 0002-scheduling) ---

export interface SchedulingHostsTable {
  user_id: string;
  slug: string;
  time_zone: string;
  created_at: number;
  updated_at: number;
}

export interface SchedulingSchedulesTable {
  id: string;
  user_id: string;
  name: string;
  time_zone: string;
  is_default: number;
  /** JSON: [{day, start, end}] */
  weekly: string;
  /** JSON: [{date, intervals: [{start, end}]}] */
  overrides: string;
  /** JSON: [{from, to, reason?}] */
  out_of_office: string;
  created_at: number;
  updated_at: number;
}

export interface SchedulingEventTypesTable {
  id: string;
  user_id: string;
  name: string;
  slug: string;
  description: string | null;
  /** JSON list of minutes, default first. */
  durations: string;
  location_kind: string;
  location_value: string | null;
  buffer_before_min: number;
  buffer_after_min: number;
  minimum_notice_min: number;
  daily_limit: number | null;
  booking_window_days: number | null;
  slot_interval_min: number | null;
  schedule_id: string | null;
  active: number;
  created_at: number;
  updated_at: number;
}

export interface SchedulingBookingsTable {
  id: string;
  user_id: string;
  event_type_id: string;
  event_type_name: string;
  start_at: number;
  end_at: number;
  duration_min: number;
  /** start_at minus the event type's buffer before, end_at plus its buffer after. */
  busy_from: number;
  busy_to: number;
  status: 'active' | 'canceled';
  location_kind: string;
  location_value: string | null;
  invitee_name: string;
  invitee_email: string;
  invitee_time_zone: string;
  cancel_reason: string | null;
  canceled_at: number | null;
  rescheduled_from_id: string | null;
  rescheduled_to_id: string | null;
  no_show: number;
  created_at: number;
  updated_at: number;
}

export interface SchedulingWebhooksTable {
  id: string;
  user_id: string;
  url: string;
  /** JSON list of event names. */
  events: string;
  secret_sealed: string;
  active: number;
  consecutive_failures: number;
  disabled_at: number | null;
  disabled_reason: string | null;
  created_at: number;
  updated_at: number;
  /** The client and grant whose access token made it; null when the person made it. */
  client_id: string | null;
  grant_id: string | null;
}

export interface SchedulingWebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  /** JSON of the envelope's `data`. */
  data: string;
  status: 'pending' | 'succeeded' | 'failed' | 'skipped';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

// --- portfolio product (src/portfolio; migration 0003-portfolio) ---

export interface PortfolioConnectionsTable {
  id: string;
  user_id: string;
  provider_id: string;
  auth_type: string;
  display_label: string;
  /** What makes a link a duplicate: chain + normalized address, CSV digest, API key digest. */
  identity_key: string;
  status: 'pending' | 'syncing' | 'connected' | 'needs_reauth' | 'error';
  /** JSON ErrorItem of the last failed sync. */
  last_error: string | null;
  tx_cursor: string | null;
  oauth_state_hash: string | null;
  last_refreshed_at: number | null;
  last_refresh_requested_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface PortfolioCredentialsTable {
  connection_id: string;
  /** SecretBox('portfolio-credentials') of the connection's JSON credentials. */
  sealed: string;
}

/** A CSV import's file: SecretBox('portfolio-credentials') of its text, cut into parts in order. */
export interface PortfolioCsvPartsTable {
  connection_id: string;
  part: number;
  sealed: string;
}

export interface PortfolioAssetsTable {
  id: string;
  /** `evm:<chainId>`, `bitcoin`, `exchange:<provider>`. */
  namespace: string;
  /** Contract address (lowercase), `native`, or the exchange's symbol. */
  reference: string;
  symbol: string;
  name: string | null;
  decimals: number;
  chain: string | null;
  contract_address: string | null;
  /** CoinGecko coin id (`coin:bitcoin`) or token (`token:<platform>:<contract>`). */
  price_key: string | null;
  /** Positions of assets with one group key are consolidated (BTC on an exchange + on chain). */
  group_key: string;
  created_at: number;
}

export interface PortfolioPositionsTable {
  connection_id: string;
  asset_id: string;
  user_id: string;
  /** Base units, decimal text. */
  quantity: string;
  updated_at: number;
}

export interface PortfolioTransactionsTable {
  id: string;
  user_id: string;
  connection_id: string;
  provider_id: string;
  external_id: string;
  timestamp: number;
  status: string;
  type: string;
  category: string;
  categorization_source: string;
  is_internal_transfer: number;
  is_spam: number;
  tx_hash: string | null;
  chain: string | null;
  description: string | null;
  /** JSON: {inputs, outputs, fees} with asset ids, base units and prices at the time. */
  legs: string;
  /** `|BTC|ETH|`: the symbols of the legs, for the asset_symbols filter. */
  symbols: string;
  needs_pricing: number;
  updated_at: number;
}

export interface PortfolioRefreshesTable {
  id: string;
  user_id: string;
  kind: string;
  created_at: number;
}

export interface PortfolioRefreshConnectionsTable {
  refresh_id: string;
  connection_id: string;
  provider_id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  error: string | null;
  created_at: number;
  updated_at: number;
}

export interface PortfolioPricesTable {
  price_key: string;
  currency: string;
  at: number;
  price: string;
  source: string;
  fetched_at: number;
}

export interface PortfolioCurrentPricesTable {
  price_key: string;
  currency: string;
  /** Null: the source knows no price (cached too, so it is not asked again at once). */
  price: string | null;
  source: string;
  fetched_at: number;
}

// --- portfolio coins list (migration 0006-portfolio-coin-list) ---

/** One coin of the price source's list. */
export interface PortfolioCoinsTable {
  /** CoinGecko coin id: the `coin:<id>` price key. */
  id: string;
  /** Lowercase ticker; many coins share one. */
  symbol: string;
  name: string;
  /** JSON: contract address by CoinGecko platform id (`{}` for native coins). */
  platforms: string;
}

/** The list itself: one row per price source (`coingecko`). */
export interface PortfolioCoinListTable {
  source: string;
  /** When the stored list was fetched; null: never (no list, so no symbol is mapped). */
  fetched_at: number | null;
  /** When a node last set out to fetch it (claimed, whether it succeeded or not). */
  attempted_at: number;
  coins: number;
}

// --- portfolio spam tokens (migration 0007-portfolio-spam) ---

/** How one connection came by one token (an on-chain contract or mint): the facts spam verdicts rest on. */
export interface PortfolioTokenActivityTable {
  connection_id: string;
  asset_id: string;
  user_id: string;
  /** 1: received in a transaction someone else sent. */
  unsolicited: number;
  /** 1: sent by the wallet, or received in a transaction the wallet sent (a swap, a claim). */
  solicited: number;
}

/** A token that is spam for one person; absent: not spam. */
export interface PortfolioSpamAssetsTable {
  user_id: string;
  asset_id: string;
  /** `listed`, `link_in_name` or `unpriced_airdrop`. */
  reason: string;
  decided_at: number;
}

// --- which accounts each app sees, what it read (migration 0014-grant-connections-and-access-log) ---

/** The person chose which connections this app may see; no row: it sees them all (let in before choices). */
export interface PortfolioAppChoicesTable {
  user_id: string;
  client_id: string;
  chosen_at: number;
}

/** One connection the person shares with one app (under its choice). */
export interface PortfolioAppConnectionsTable {
  user_id: string;
  client_id: string;
  connection_id: string;
}

/** One Platform API request an app made for a person: kept 90 days. */
export interface PortfolioAccessLogTable {
  id: string;
  user_id: string;
  client_id: string;
  /** Method and route, e.g. `GET /platform/v2/assets`. */
  endpoint: string;
  /** How many things the answer held (providers, positions, transactions, connections). */
  items: number;
  at: number;
}

/** A client that authenticated the person in a sign-in session (back-channel logout's audience). */
export interface SessionClientsTable {
  session_id: string;
  client_id: string;
  user_id: string;
  created_at: number;
}
