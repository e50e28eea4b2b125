import type { ScopeRegistry } from '../../kernel/scope-registry.ts';

export interface ScopeChoice {
  name: string;
  description: string;
  /** Only FAPI 2.0 apps may have it on this server. */
  fapi2Only: boolean;
}

export interface ScopeGroup {
  label: string;
  scopes: ScopeChoice[];
}

/** Scopes grouped by the API they open (sign-in scopes belong to none), in registry order. */
export function scopeGroups(registry: ScopeRegistry, only?: (scope: string) => boolean): ScopeGroup[] {
  const groups = new Map<string, ScopeChoice[]>();
  for (const name of registry.scopeNames()) {
    if (only && !only(name)) continue;
    const label = registry.ownerOf(name)?.name ?? 'Sign-in and profile (OpenID Connect)';
    const scope = registry.scope(name);
    const choice = { name, description: scope?.description ?? name, fapi2Only: scope?.requiresFapi2 === true };
    groups.set(label, [...(groups.get(label) ?? []), choice]);
  }
  return [...groups].map(([label, scopes]) => ({ label, scopes }));
}

/** Scopes that open a product API: the only ones a personal access token may carry. */
export function isProductScope(registry: ScopeRegistry, scope: string): boolean {
  return registry.ownerOf(scope) !== undefined;
}
