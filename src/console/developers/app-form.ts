import type { Config } from '../../config.ts';
import type { Client, NewClient } from '../../oauth/index.ts';

/** The fields of the create / edit app form, as typed (strings), so a refused form comes back intact. */
export interface AppForm {
  name: string;
  type: 'public' | 'confidential';
  redirectUris: string;
  allowedScopes: string[];
  defaultScopes: string[];
  logoUri: string;
  accessTokenTtl: string;
  refreshTokenTtl: string;
  /** RP-Initiated Logout: one per line. */
  postLogoutRedirectUris: string;
  backchannelLogoutUri: string;
  /** Confidential apps: client_secret_basic (a secret), private_key_jwt or client_secret_jwt. */
  authMethod: string;
  /** The app's public keys: a JWK Set pasted as JSON, or the URL it is published at. */
  jwks: string;
  jwksUri: string;
  requirePar: boolean;
  /** RFC 9449 §5.2: token requests only with a DPoP proof. */
  dpopBound: boolean;
  /** The FAPI 2.0 Security Profile (implies PAR and DPoP). */
  fapi2: boolean;
}

export type AppField = keyof AppForm;
export type AppFormErrors = Partial<Record<AppField | 'form', string>>;

export interface AppFormBody {
  name?: string | undefined;
  type?: string | undefined;
  redirect_uris?: string | undefined;
  allowed_scopes?: string[] | undefined;
  default_scopes?: string[] | undefined;
  logo_uri?: string | undefined;
  access_token_ttl?: string | undefined;
  refresh_token_ttl?: string | undefined;
  post_logout_redirect_uris?: string | undefined;
  backchannel_logout_uri?: string | undefined;
  token_endpoint_auth_method?: string | undefined;
  jwks?: string | undefined;
  jwks_uri?: string | undefined;
  require_pushed_authorization_requests?: string | undefined;
  dpop_bound_access_tokens?: string | undefined;
  fapi2?: string | undefined;
}

/** The ways a confidential app may authenticate, as the form offers them. */
export const CONFIDENTIAL_AUTH_METHODS = ['client_secret_basic', 'private_key_jwt', 'client_secret_jwt'] as const;

const MAX_REDIRECT_URIS = 20;
/** The floor lifetimes.ts clamps per-client refresh lifetimes to. */
const REFRESH_TTL_MIN_SECONDS = 60;

export function readAppForm(body: AppFormBody): AppForm {
  return {
    name: body.name ?? '',
    type: body.type === 'public' ? 'public' : 'confidential',
    redirectUris: body.redirect_uris ?? '',
    allowedScopes: body.allowed_scopes ?? [],
    defaultScopes: body.default_scopes ?? [],
    logoUri: body.logo_uri ?? '',
    accessTokenTtl: body.access_token_ttl ?? '',
    refreshTokenTtl: body.refresh_token_ttl ?? '',
    postLogoutRedirectUris: body.post_logout_redirect_uris ?? '',
    backchannelLogoutUri: body.backchannel_logout_uri ?? '',
    authMethod: body.token_endpoint_auth_method ?? 'client_secret_basic',
    jwks: body.jwks ?? '',
    jwksUri: body.jwks_uri ?? '',
    requirePar: body.require_pushed_authorization_requests === 'on',
    dpopBound: body.dpop_bound_access_tokens === 'on',
    fapi2: body.fapi2 === 'on',
  };
}

/**
 * What a new app's form starts with: every scope of the deployment allowed (so a product's own
 * entry point, e.g. /connect, works with it) — the caller leaves out those kept to FAPI 2.0
 * apps — and only sign-in scopes asked for by default.
 */
export function blankAppForm(scopeNames: string[]): AppForm {
  return {
    name: '',
    type: 'confidential',
    redirectUris: '',
    allowedScopes: scopeNames,
    defaultScopes: ['openid', 'profile', 'email'],
    logoUri: '',
    accessTokenTtl: '',
    refreshTokenTtl: '',
    postLogoutRedirectUris: '',
    backchannelLogoutUri: '',
    authMethod: 'client_secret_basic',
    jwks: '',
    jwksUri: '',
    requirePar: false,
    dpopBound: false,
    fapi2: false,
  };
}

export function formOfClient(client: Client): AppForm {
  return {
    name: client.name,
    type: client.type,
    redirectUris: client.redirectUris.join('\n'),
    allowedScopes: client.allowedScopes,
    defaultScopes: client.defaultScopes,
    logoUri: client.logoUri ?? '',
    accessTokenTtl: client.accessTokenTtl === null ? '' : String(client.accessTokenTtl),
    refreshTokenTtl: client.refreshTokenTtl === null ? '' : String(client.refreshTokenTtl),
    postLogoutRedirectUris: client.postLogoutRedirectUris.join('\n'),
    backchannelLogoutUri: client.backchannelLogoutUri ?? '',
    authMethod: client.type === 'public' ? 'client_secret_basic' : client.tokenEndpointAuthMethod,
    jwks: client.jwks ? JSON.stringify(client.jwks, null, 2) : '',
    jwksUri: client.jwksUri ?? '',
    requirePar: client.requirePushedAuthorizationRequests,
    dpopBound: client.dpopBoundAccessTokens,
    fapi2: client.fapi2,
  };
}

export interface LifetimeLimits {
  accessMin: number;
  accessMax: number;
  refreshMin: number;
  refreshMax: number;
}

export function lifetimeLimits(config: Config): LifetimeLimits {
  return {
    accessMin: config.ACCESS_TOKEN_TTL_MIN_SECONDS,
    accessMax: config.ACCESS_TOKEN_TTL_MAX_SECONDS,
    refreshMin: REFRESH_TTL_MIN_SECONDS,
    refreshMax: config.REFRESH_TOKEN_TTL_MAX_SECONDS,
  };
}

/**
 * The checks that belong to the console rather than to client registration itself: sizes,
 * lifetimes within this deployment's limits (ClientService only wants positive integers), a
 * logo URL the logo route can fetch. ClientService checks the rest (redirect URIs, scopes).
 */
export function checkAppForm(
  form: AppForm,
  limits: LifetimeLimits,
  allowLoopbackLogo: boolean,
): { fields?: Omit<NewClient, 'ownerUserId'>; errors: AppFormErrors } {
  const errors: AppFormErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'Give the app a name.';
  else if (name.length > 100) errors.name = 'A name can be at most 100 characters long.';
  const redirectUris = lines(form.redirectUris);
  if (redirectUris.length > MAX_REDIRECT_URIS) errors.redirectUris = `At most ${MAX_REDIRECT_URIS} redirect URIs.`;
  else if (redirectUris.some((uri) => uri.length > 2000))
    errors.redirectUris = 'A redirect URI can be at most 2000 characters long.';
  const postLogoutRedirectUris = lines(form.postLogoutRedirectUris);
  if (postLogoutRedirectUris.length > MAX_REDIRECT_URIS)
    errors.postLogoutRedirectUris = `At most ${MAX_REDIRECT_URIS} sign-out redirect URIs.`;
  else if (postLogoutRedirectUris.some((uri) => uri.length > 2000))
    errors.postLogoutRedirectUris = 'A sign-out redirect URI can be at most 2000 characters long.';
  const backchannelLogoutUri = form.backchannelLogoutUri.trim();
  if (backchannelLogoutUri.length > 2000)
    errors.backchannelLogoutUri = 'A back-channel logout URL can be at most 2000 characters long.';
  const logoProblem = checkLogoUri(form.logoUri.trim(), allowLoopbackLogo);
  if (logoProblem) errors.logoUri = logoProblem;
  const access = readSeconds(form.accessTokenTtl, limits.accessMin, limits.accessMax);
  if (typeof access === 'string') errors.accessTokenTtl = access;
  const refresh = readSeconds(form.refreshTokenTtl, limits.refreshMin, limits.refreshMax);
  if (typeof refresh === 'string') errors.refreshTokenTtl = refresh;
  const keys = readKeys(form);
  if ('field' in keys) errors[keys.field] = keys.message;
  if (Object.keys(errors).length > 0 || 'field' in keys) return { errors };
  return {
    errors,
    fields: {
      name,
      type: form.type,
      redirectUris,
      allowedScopes: [...new Set(form.allowedScopes)],
      defaultScopes: [...new Set(form.defaultScopes)],
      logoUri: form.logoUri.trim() || null,
      accessTokenTtl: access as number | null,
      refreshTokenTtl: refresh as number | null,
      postLogoutRedirectUris,
      backchannelLogoutUri: backchannelLogoutUri || null,
      registeredVia: 'console',
      ...keys,
    },
  };
}

/**
 * How the app authenticates and its keys, as NewClient wants them. A public app uses none; a
 * confidential one the chosen method. The JWK Set must at least be JSON here; ClientService
 * checks the keys themselves (and that private_key_jwt has some).
 */
function readKeys(
  form: AppForm,
):
  | { field: AppField; message: string }
  | Pick<
      NewClient,
      | 'tokenEndpointAuthMethod'
      | 'jwks'
      | 'jwksUri'
      | 'requirePushedAuthorizationRequests'
      | 'dpopBoundAccessTokens'
      | 'fapi2'
    > {
  const method = form.type === 'public' ? 'none' : form.authMethod;
  if (method !== 'none' && !(CONFIDENTIAL_AUTH_METHODS as readonly string[]).includes(method))
    return { field: 'authMethod', message: 'Choose how the app authenticates.' };
  const jwksText = form.jwks.trim();
  const jwksUri = form.jwksUri.trim();
  if (jwksText && jwksUri)
    return { field: 'jwks', message: 'Give the keys or the URL they are published at, not both.' };
  if (jwksText.length > 50_000) return { field: 'jwks', message: 'A JWK Set can be at most 50 000 characters long.' };
  let jwks: unknown = null;
  if (jwksText) {
    try {
      jwks = JSON.parse(jwksText) as unknown;
    } catch {
      return { field: 'jwks', message: 'Paste the JWK Set as JSON, like {"keys":[{"kty":"EC",…}]}.' };
    }
  }
  return {
    tokenEndpointAuthMethod: method as NewClient['tokenEndpointAuthMethod'],
    jwks,
    jwksUri: jwksUri || null,
    requirePushedAuthorizationRequests: form.requirePar,
    dpopBoundAccessTokens: form.dpopBound,
    fapi2: form.fapi2,
  };
}

/** ClientService names fields after RFC 7591 metadata; the form names them after its inputs. */
export function formFieldOf(serviceField: string): AppField | 'form' {
  switch (serviceField) {
    case 'client_name':
      return 'name';
    case 'type':
    case 'grant_types':
      return 'type';
    case 'redirect_uris':
      return 'redirectUris';
    case 'scope':
      return 'allowedScopes';
    case 'default_scopes':
      return 'defaultScopes';
    case 'token_lifetimes':
      return 'accessTokenTtl';
    case 'post_logout_redirect_uris':
      return 'postLogoutRedirectUris';
    case 'backchannel_logout_uri':
      return 'backchannelLogoutUri';
    case 'token_endpoint_auth_method':
    case 'token_endpoint_auth_signing_alg':
      return 'authMethod';
    case 'jwks':
    case 'request_object_signing_alg':
      return 'jwks';
    case 'jwks_uri':
      return 'jwksUri';
    default:
      return 'form';
  }
}

/** "at least one redirect URI is required" → "At least one redirect URI is required." */
export function asSentence(message: string): string {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** A textarea's non-empty lines, trimmed, each once. */
function lines(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean),
    ),
  ];
}

function readSeconds(text: string, min: number, max: number): number | null | string {
  const trimmed = text.trim();
  if (!trimmed) return null;
  if (!/^\d{1,12}$/.test(trimmed)) return 'Enter whole seconds, or leave it empty for the default.';
  const value = Number(trimmed);
  if (value < min || value > max) return `Choose between ${min} and ${max} seconds on this server.`;
  return value;
}

function checkLogoUri(text: string, allowLoopback: boolean): string | undefined {
  if (!text) return undefined;
  if (text.length > 2000) return 'A logo URL can be at most 2000 characters long.';
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'Enter a full URL, like https://example.com/logo.png.';
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === '[::1]' || url.hostname === 'localhost';
  if (url.protocol === 'https:' && !url.username && !url.password) return undefined;
  if (allowLoopback && loopback && url.protocol === 'http:') return undefined;
  return 'The logo URL must use https (PNG, JPEG, GIF or WebP, up to 100 KB).';
}
