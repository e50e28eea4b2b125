/**
 * A family of token lifetimes a resource asks for (the contract's `calico` and `caledee`), in
 * seconds. Products define their own; the authorization server only reads them from here.
 */
export interface TokenProfile {
  name: string;
  accessTtl: number;
  refreshTtl: number;
  /** A rotation revokes the old access token too ("the old pair is revoked"). */
  revokeOldAccessOnRotation: boolean;
}

/** Claims about the person that `/oauth/userinfo` can release (OIDC Core §5.1). */
export type UserinfoClaim =
  'name' | 'zoneinfo' | 'updated_at' | 'email' | 'email_verified' | 'phone_number' | 'phone_number_verified';

export interface ScopeDefinition {
  name: string;
  /** Plain words for the consent screen. */
  description: string;
  /**
   * Claims a token with this scope may read at `/oauth/userinfo`. A product scope that declares
   * some (Caledee's `read:profile`) makes its tokens acceptable there even without `openid`.
   */
  userinfoClaims?: readonly UserinfoClaim[];
  /**
   * Only FAPI 2.0 clients may register for, request or refresh this scope (a product sets it
   * where its data calls for that profile, e.g. the portfolio under PORTFOLIO_REQUIRE_FAPI2).
   */
  requiresFapi2?: boolean;
}

export interface ProtectedResourceDefinition {
  /** Path below the issuer; the resource identifier is issuer + path (RFC 8707, RFC 9728). */
  path: string;
  name: string;
  profile: TokenProfile;
  /** Scopes this resource accepts. */
  scopes: string[];
  /** Scopes whose tokens are meant for this resource when no `resource` is requested. */
  ownsScopes?: string[];
}

/**
 * A page a product shows inside an authorization, after sign-in and before consent (the
 * portfolio's "link your accounts"). Requests entering at `entryPath` — an alias of
 * /oauth/authorize with the same parameters — go through it.
 */
export interface InteractionStep {
  name: string;
  entryPath: string;
  url(interactionId: string): string;
  /**
   * Scopes a request entering at `entryPath` gets when it names none (Calico's widget URL names
   * none): the entry point's product decides, not the client's registration.
   */
  entryDefaultScopes?: string[];
}

export interface ProductDefinition {
  name: string;
  interactionSteps?: InteractionStep[];
  scopes: ScopeDefinition[];
  resources: ProtectedResourceDefinition[];
  /** Scopes a client gets when it asks for none (the Calico widget sends none). */
  defaultScopes?: string[];
}

export interface RegisteredResource extends ProtectedResourceDefinition {
  uri: string;
}

/**
 * What the features offer: their scopes (with consent-screen words) and protected resources.
 * The authorization server reads it; it never names a product itself.
 */
export class ScopeRegistry {
  private readonly scopes = new Map<string, ScopeDefinition>();
  private readonly resources = new Map<string, RegisteredResource>();
  private readonly owners = new Map<string, RegisteredResource>();
  private readonly products: ProductDefinition[] = [];
  private readonly steps = new Map<string, InteractionStep>();
  private readonly profilesByName = new Map<string, TokenProfile>();

  constructor(private readonly issuer: string) {}

  register(product: ProductDefinition): void {
    this.products.push(product);
    for (const scope of product.scopes) this.scopes.set(scope.name, scope);
    for (const step of product.interactionSteps ?? []) this.steps.set(step.name, step);
    for (const resource of product.resources) {
      this.profilesByName.set(resource.profile.name, resource.profile);
      const registered = { ...resource, uri: this.issuer + resource.path };
      this.resources.set(registered.uri, registered);
      for (const scope of resource.ownsScopes ?? []) this.owners.set(scope, registered);
    }
  }

  scope(name: string): ScopeDefinition | undefined {
    return this.scopes.get(name);
  }

  /** The userinfo claims the given scopes release together. */
  userinfoClaims(scopes: Iterable<string>): Set<UserinfoClaim> {
    const claims = new Set<UserinfoClaim>();
    for (const scope of scopes) for (const claim of this.scopes.get(scope)?.userinfoClaims ?? []) claims.add(claim);
    return claims;
  }

  scopeNames(): string[] {
    return [...this.scopes.keys()];
  }

  resource(uri: string): RegisteredResource | undefined {
    return this.resources.get(uri);
  }

  allResources(): RegisteredResource[] {
    return [...this.resources.values()];
  }

  /** The resource a scope's tokens are meant for by default; undefined for core OIDC scopes. */
  ownerOf(scope: string): RegisteredResource | undefined {
    return this.owners.get(scope);
  }

  step(name: string): InteractionStep | undefined {
    return this.steps.get(name);
  }

  /** Extra authorization entry points and the steps each adds, e.g. /connect → [portfolio.link]. */
  entryPoints(): Map<string, string[]> {
    const entries = new Map<string, string[]>();
    for (const step of this.steps.values())
      entries.set(step.entryPath, [...(entries.get(step.entryPath) ?? []), step.name]);
    return entries;
  }

  /** Every lifetime profile a registered resource asks for. */
  profiles(): TokenProfile[] {
    return [...this.profilesByName.values()];
  }

  profile(name: string): TokenProfile | undefined {
    return this.profilesByName.get(name);
  }

  /** The scopes a request entering at `path` gets when it names none; undefined: the client's defaults. */
  entryDefaultScopes(path: string): string[] | undefined {
    return [...this.steps.values()].find((step) => step.entryPath === path && step.entryDefaultScopes)
      ?.entryDefaultScopes;
  }

  defaultScopes(): string[] {
    return this.products.flatMap((p) => p.defaultScopes ?? []);
  }
}
