import type { RegisteredResource, ScopeRegistry } from '../../kernel/scope-registry.ts';
import { InvalidTarget } from '../errors.ts';

/**
 * Resource indicators (RFC 8707): each `resource` must be the absolute URI of a registered
 * protected resource. Without any, the resources follow from the scopes' owners.
 * @see https://www.rfc-editor.org/rfc/rfc8707#section-2
 */
export function resolveResources(
  requested: readonly string[],
  scopes: readonly string[],
  registry: ScopeRegistry,
): RegisteredResource[] {
  if (requested.length === 0) {
    const owners = scopes.map((s) => registry.ownerOf(s)).filter((r): r is RegisteredResource => r !== undefined);
    return [...new Map(owners.map((r) => [r.uri, r])).values()];
  }
  const resources: RegisteredResource[] = [];
  for (const uri of new Set(requested)) {
    if (!isAbsoluteWithoutFragment(uri)) throw new InvalidTarget('resource must be an absolute URI without a fragment');
    const resource = registry.resource(uri);
    if (!resource) throw new InvalidTarget(`unknown resource: ${uri}`);
    resources.push(resource);
  }
  return resources;
}

/** At the token endpoint a `resource` may only narrow what was authorized (RFC 8707 §2.2). */
export function narrowResources(requested: readonly string[], authorized: readonly string[]): string[] {
  if (requested.length === 0) return [...authorized];
  for (const uri of requested) {
    if (!authorized.includes(uri)) throw new InvalidTarget(`resource ${uri} was not authorized`);
  }
  return [...new Set(requested)];
}

/** The `aud` of an access token: its resources, plus the issuer (userinfo) for OIDC scopes or when there is no resource. */
export function audienceFor(resourceUris: readonly string[], scopes: readonly string[], issuer: string): string[] {
  const audience = [...resourceUris];
  if (audience.length === 0 || scopes.includes('openid')) audience.push(issuer);
  return audience;
}

function isAbsoluteWithoutFragment(uri: string): boolean {
  try {
    const url = new URL(uri);
    return !uri.includes('#') && url.protocol.length > 1;
  } catch {
    return false;
  }
}
