import type { ScopeRegistry } from '../../kernel/scope-registry.ts';

/** One read-only product API call the demo can make with the token it got. */
export interface ProductProbe {
  scope: string;
  path: string;
  api: string;
}

/** Simple GETs, one per product, each needing a single read scope; the first registered wins. */
const CANDIDATES: Array<Omit<ProductProbe, 'api'>> = [
  { scope: 'read:profile', path: '/api/v2/me' },
  { scope: 'read:providers', path: '/platform/v2/providers' },
];

export function chooseProductProbe(registry: ScopeRegistry): ProductProbe | undefined {
  for (const candidate of CANDIDATES) {
    const owner = registry.ownerOf(candidate.scope);
    if (registry.scope(candidate.scope) && owner) return { ...candidate, api: owner.name };
  }
  return undefined;
}
