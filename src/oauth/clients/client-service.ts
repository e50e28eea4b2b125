import type { Clock } from '../../kernel/clock.ts';
import type { SecretBox } from '../../kernel/crypto/secret-box.ts';
import { newOpaqueToken, sha256 } from '../../kernel/crypto/tokens.ts';
import { toJsonList } from '../../kernel/json-list.ts';
import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import { checkRedirectUriRegistration } from '../checks/check-redirect-uri-registration.ts';
import { hasSecret, isTokenEndpointAuthMethod, type TokenEndpointAuthMethod } from './auth-methods.ts';
import { checkClientKeys } from './check-client-keys.ts';
import { checkFapi2Registration } from './check-fapi2-registration.ts';
import type { Client, ClientType } from './client.ts';
import type { ClientRepository } from './client-repository.ts';
import { DEVICE_CODE_GRANT_TYPE } from '../device/device-code-grant-type.ts';
import { randomBytes } from 'node:crypto';
import { checkBackchannelLogoutUri } from '../checks/check-backchannel-logout-uri.ts';

export interface NewClient {
  name: string;
  type: ClientType;
  redirectUris: string[];
  allowedScopes?: string[];
  defaultScopes?: string[];
  grantTypes?: string[];
  logoUri?: string | null;
  allowPlainPkce?: boolean;
  accessTokenTtl?: number | null;
  refreshTokenTtl?: number | null;
  ownerUserId?: string | null;
  secretTtlSeconds?: number | null;
  registeredVia?: 'console' | 'cli' | 'dcr' | 'metadata';
  applicationType?: 'web' | 'native';
  /** A chosen id (client ID metadata documents use their URL); default a random `cl_…`. */
  id?: string;
  registrationTokenHash?: string | null;
  metadata?: Record<string, unknown> | null;
  metadataExpiresAt?: number | null;
  /** An operator vouches for the app (CLI, built-in apps); default false. */
  verified?: boolean;
  /** RP-Initiated Logout: where the browser may return after signing out; default none. */
  postLogoutRedirectUris?: string[];
  /** Back-Channel Logout: where logout tokens go; default none. */
  backchannelLogoutUri?: string | null;
  backchannelLogoutSessionRequired?: boolean;
  /** Default: none for public clients, client_secret_basic for confidential ones. */
  tokenEndpointAuthMethod?: TokenEndpointAuthMethod;
  /** Public keys by value (a JWK Set) or by URL, for private_key_jwt and request objects. */
  jwks?: unknown;
  jwksUri?: string | null;
  requestObjectSigningAlg?: string | null;
  tokenEndpointAuthSigningAlg?: string | null;
  requirePushedAuthorizationRequests?: boolean;
  /** RFC 9449 §5.2: its token requests must carry a DPoP proof. */
  dpopBoundAccessTokens?: boolean;
  /** The FAPI 2.0 Security Profile (fapi2.ts); it implies PAR and DPoP. Default false. */
  fapi2?: boolean;
}

export interface ClientServiceOptions {
  /** Seals the secrets of client_secret_jwt clients (the server needs them to check HMACs). */
  secrets?: SecretBox;
  /** Development and tests: a jwks_uri may be plain http on a loopback address. */
  allowLoopbackJwksUri?: boolean;
  /** Tests: back-channel logout URIs may be plain http to a loopback address. */
  allowLoopbackBackchannel?: boolean;
}

/** A client-side mistake in a registration; the caller renders it for its own surface. */
export class InvalidClientMetadata extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT_TYPE];

export class ClientService {
  constructor(
    private readonly repo: ClientRepository,
    private readonly registry: ScopeRegistry,
    private readonly clock: Clock,
    private readonly options: ClientServiceOptions = {},
  ) {}

  /** Registers a client; the plain secret (confidential clients) is returned once, never stored. */
  async create(input: NewClient): Promise<{ client: Client; secret?: string }> {
    const fields = this.validate(input);
    const now = this.clock.now();
    const id = input.id ?? 'cl_' + randomBytes(12).toString('base64url');
    const method = fields.token_endpoint_auth_method;
    const secret = hasSecret(method) ? newOpaqueToken('cs_') : undefined;
    await this.repo.insert({
      id,
      ...fields,
      secret_hash: secret ? sha256(secret) : null,
      secret_sealed: secret && method === 'client_secret_jwt' ? this.seal(secret) : null,
      secret_expires_at: secret && input.secretTtlSeconds ? now + input.secretTtlSeconds * 1000 : null,
      owner_user_id: input.ownerUserId ?? null,
      created_at: now,
      updated_at: now,
      registered_via: input.registeredVia ?? 'console',
      registration_token_hash: input.registrationTokenHash ?? null,
      metadata_expires_at: input.metadataExpiresAt ?? null,
      verified: input.verified ? 1 : 0,
    });
    const client = await this.repo.findById(id);
    if (!client) throw new Error('client vanished after insert');
    return secret ? { client, secret } : { client };
  }

  /** Changes a client's registration, validated as at creation; its secret and id stay. */
  async update(id: string, input: NewClient): Promise<Client> {
    const existing = await this.repo.findById(id);
    if (!existing) throw new InvalidClientMetadata('client_id', 'no client with that id');
    if (input.type !== existing.type)
      throw new InvalidClientMetadata('type', 'a client cannot change between public and confidential');
    const fields = this.validate(input);
    const method = fields.token_endpoint_auth_method;
    // HMAC verification needs the secret itself; an existing one is known only by its hash.
    if (method === 'client_secret_jwt' && !existing.secretSealed)
      throw new InvalidClientMetadata(
        'token_endpoint_auth_method',
        'an app registered with another method cannot switch to client_secret_jwt (its secret is kept only as a hash); register a new app',
      );
    await this.repo.update(id, {
      ...fields,
      // A method without a secret drops the old one; only client_secret_jwt keeps it sealed.
      ...(hasSecret(method) ? {} : { secret_hash: null, secret_expires_at: null }),
      ...(method === 'client_secret_jwt' ? {} : { secret_sealed: null }),
      metadata_expires_at: input.metadataExpiresAt ?? null,
      updated_at: this.clock.now(),
    });
    return (await this.repo.findById(id))!;
  }

  /** An operator vouches for (or withdraws from) an app; returns false when there is no such client. */
  async setVerified(id: string, verified: boolean): Promise<boolean> {
    if (!(await this.repo.findById(id))) return false;
    await this.repo.update(id, { verified: verified ? 1 : 0, updated_at: this.clock.now() });
    return true;
  }

  /** Replaces the secret of a confidential client; the old one stops working at once. */
  async rotateSecret(id: string, secretTtlSeconds?: number | null): Promise<string> {
    const client = await this.repo.findById(id);
    if (!client || !hasSecret(client.tokenEndpointAuthMethod))
      throw new InvalidClientMetadata('client_id', 'no client with a secret has that id');
    const secret = newOpaqueToken('cs_');
    const now = this.clock.now();
    await this.repo.update(id, {
      secret_hash: sha256(secret),
      secret_sealed: client.tokenEndpointAuthMethod === 'client_secret_jwt' ? this.seal(secret) : null,
      secret_expires_at: secretTtlSeconds ? now + secretTtlSeconds * 1000 : null,
      updated_at: now,
    });
    return secret;
  }

  /**
   * Scopes a new client asks for when it names none. A confidential client registered by DCR or
   * in the console gets only `openid`: with client credentials it then gets nothing without
   * asking, and no app holds every product's scopes by default. Others keep the products' defaults.
   */
  private defaultScopesFor(input: NewClient): string[] {
    const narrow =
      input.type === 'confidential' && (input.registeredVia === 'dcr' || input.registeredVia === 'console');
    return narrow ? ['openid'] : this.registry.defaultScopes();
  }

  private validate(input: NewClient) {
    if (!input.name.trim()) throw new InvalidClientMetadata('client_name', 'a name is required');
    if (input.type !== 'public' && input.type !== 'confidential')
      throw new InvalidClientMetadata('type', 'type must be public or confidential');
    const grantTypes = input.grantTypes ?? [
      'authorization_code',
      'refresh_token',
      ...(input.type === 'confidential' ? ['client_credentials'] : []),
    ];
    for (const grant of grantTypes) {
      if (!GRANT_TYPES.includes(grant))
        throw new InvalidClientMetadata('grant_types', `unsupported grant type ${grant}`);
    }
    if (input.type === 'public' && grantTypes.includes('client_credentials')) {
      throw new InvalidClientMetadata('grant_types', 'client_credentials needs a confidential client');
    }
    if (grantTypes.includes('authorization_code') && input.redirectUris.length === 0) {
      throw new InvalidClientMetadata('redirect_uris', 'at least one redirect URI is required');
    }
    for (const uri of input.redirectUris) {
      const problem = checkRedirectUriRegistration(uri, input.type, input.applicationType);
      if (problem) throw new InvalidClientMetadata('redirect_uris', problem);
    }
    const fapi2 = input.fapi2 === true;
    // A product may keep scopes to FAPI 2.0 clients: others are not given them unasked, nor when asking.
    const fapi2Only = (scope: string) => this.registry.scope(scope)?.requiresFapi2 === true;
    const allowed = input.allowedScopes ?? this.registry.scopeNames().filter((scope) => fapi2 || !fapi2Only(scope));
    for (const scope of allowed) {
      if (!this.registry.scope(scope)) throw new InvalidClientMetadata('scope', `unknown scope ${scope}`);
      if (!fapi2 && fapi2Only(scope))
        throw new InvalidClientMetadata(
          'scope',
          `scope ${scope} is only for FAPI 2.0 clients on this server: register the client with fapi2`,
        );
    }
    const defaults = input.defaultScopes ?? this.defaultScopesFor(input).filter((s) => allowed.includes(s));
    for (const scope of defaults) {
      if (!allowed.includes(scope))
        throw new InvalidClientMetadata('default_scopes', `default scope ${scope} is not allowed for the client`);
    }
    const postLogoutRedirectUris = [...new Set(input.postLogoutRedirectUris ?? [])];
    if (postLogoutRedirectUris.length > 20)
      throw new InvalidClientMetadata('post_logout_redirect_uris', 'at most 20 post-logout redirect URIs');
    for (const uri of postLogoutRedirectUris) {
      const problem = checkRedirectUriRegistration(uri, input.type, input.applicationType);
      if (problem) throw new InvalidClientMetadata('post_logout_redirect_uris', problem);
    }
    const backchannelLogoutUri = input.backchannelLogoutUri || null;
    if (backchannelLogoutUri) {
      const problem = checkBackchannelLogoutUri(backchannelLogoutUri, this.options.allowLoopbackBackchannel ?? false);
      if (problem) throw new InvalidClientMetadata('backchannel_logout_uri', problem);
    }
    for (const ttl of [input.accessTokenTtl, input.refreshTokenTtl]) {
      if (ttl != null && (!Number.isInteger(ttl) || ttl <= 0))
        throw new InvalidClientMetadata('token_lifetimes', 'lifetimes are positive whole seconds');
    }
    const keys = this.validateKeys(input, grantTypes);
    return {
      name: input.name.trim(),
      type: input.type,
      redirect_uris: toJsonList(input.redirectUris),
      allowed_scopes: toJsonList(allowed),
      default_scopes: toJsonList(defaults),
      grant_types: toJsonList(grantTypes),
      logo_uri: input.logoUri ?? null,
      allow_plain_pkce: input.allowPlainPkce && !fapi2 ? 1 : 0,
      access_token_ttl: input.accessTokenTtl ?? null,
      refresh_token_ttl: input.refreshTokenTtl ?? null,
      application_type: input.applicationType ?? 'web',
      metadata: input.metadata ? JSON.stringify(input.metadata) : null,
      post_logout_redirect_uris: toJsonList(postLogoutRedirectUris),
      backchannel_logout_uri: backchannelLogoutUri,
      backchannel_logout_session_required: backchannelLogoutUri && input.backchannelLogoutSessionRequired ? 1 : 0,
      ...keys,
    };
  }

  /**
   * The authentication method and keys: public clients use none, confidential ones anything
   * else; a FAPI 2.0 client private_key_jwt with ES256 or PS256, and PAR and DPoP always.
   */
  private validateKeys(input: NewClient, grantTypes: string[]) {
    const method = input.tokenEndpointAuthMethod ?? (input.type === 'public' ? 'none' : 'client_secret_basic');
    if (!isTokenEndpointAuthMethod(method))
      throw new InvalidClientMetadata('token_endpoint_auth_method', `unsupported method ${String(method)}`);
    if ((method === 'none') !== (input.type === 'public'))
      throw new InvalidClientMetadata(
        'token_endpoint_auth_method',
        input.type === 'public'
          ? 'a public client authenticates with "none"'
          : 'a confidential client must authenticate (a secret or a key)',
      );
    const checked = checkClientKeys(
      {
        tokenEndpointAuthMethod: method,
        jwks: input.jwks,
        jwksUri: input.jwksUri,
        requestObjectSigningAlg: input.requestObjectSigningAlg,
        tokenEndpointAuthSigningAlg: input.tokenEndpointAuthSigningAlg,
      },
      this.options.allowLoopbackJwksUri ?? false,
    );
    if ('problem' in checked) throw new InvalidClientMetadata(checked.problem.field, checked.problem.message);
    const fapi2 = input.fapi2 === true;
    const fapi2Problem =
      fapi2 &&
      checkFapi2Registration({
        type: input.type,
        tokenEndpointAuthMethod: method,
        grantTypes,
        tokenEndpointAuthSigningAlg: input.tokenEndpointAuthSigningAlg,
        requestObjectSigningAlg: input.requestObjectSigningAlg,
        jwks: checked.jwks,
      });
    if (fapi2Problem) throw new InvalidClientMetadata(fapi2Problem.field, fapi2Problem.message);
    return {
      token_endpoint_auth_method: method,
      jwks: checked.jwks ? JSON.stringify(checked.jwks) : null,
      jwks_uri: input.jwksUri ?? null,
      request_object_signing_alg: input.requestObjectSigningAlg ?? null,
      token_endpoint_auth_signing_alg: input.tokenEndpointAuthSigningAlg ?? null,
      require_pushed_authorization_requests: input.requirePushedAuthorizationRequests || fapi2 ? 1 : 0,
      dpop_bound_access_tokens: input.dpopBoundAccessTokens || fapi2 ? 1 : 0,
      fapi2: fapi2 ? 1 : 0,
    };
  }

  private seal(secret: string): string {
    if (!this.options.secrets) throw new Error('ClientService was built without a box for client secrets');
    return this.options.secrets.seal(secret);
  }
}
