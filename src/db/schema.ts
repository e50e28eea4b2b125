
/**
 * Table shapes shared by SQLite and PostgreSQL. Times are epoch milliseconds (bigint in
 * PostgreSQL, parsed back to numbers), flags are 0/1 integers and lists are JSON text, so one
 * set of queries serves both dialects.
 */
export interface Database {
  users: UsersTable;
  otp_challenges: OtpChallengesTable;
  sessions: SessionsTable;
  clients: ClientsTable;
  interactions: InteractionsTable;
  grants: GrantsTable;
  authorization_codes: AuthorizationCodesTable;
  token_families: TokenFamiliesTable;
  refresh_tokens: RefreshTokensTable;
  revoked_access_tokens: RevokedAccessTokensTable;
  signing_keys: SigningKeysTable;
  jobs: JobsTable;
  personal_access_tokens: PersonalAccessTokensTable;
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
}

export interface InteractionsTable {
  id: string;
  client_id: string;
  request: string;
  created_at: number;
  expires_at: number;
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
  successor_response: string | null;
  successor_response_expires_at: number | null;
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
