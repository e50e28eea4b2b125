import type { ScopeRegistry } from '../../kernel/scope-registry.ts';

export interface ScopeChoice {
  name: string;
  description: string;
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
    groups.set(label, [...(groups.get(label) ?? []), { name, description: registry.scope(name)?.description ?? name }]);
  }
  return [...groups].map(([label, scopes]) => ({ label, scopes }));
}

/** Scopes that open a product API: the only ones a personal access token may carry. */
export function isProductScope(registry: ScopeRegistry, scope: string): boolean {
  return registry.ownerOf(scope) !== undefined;
}
