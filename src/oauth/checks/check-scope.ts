import type { ScopeRegistry } from '../../kernel/scope-registry.ts';
import type { Client } from '../clients/client.ts';
import { InvalidRequest, InvalidScope } from '../errors.ts';

// RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Splits a `scope` parameter; a malformed one is an invalid_request, not an unknown scope. */
export function parseScope(value: string): string[] {
  const scopes = value.split(' ').filter((s) => s !== '');
  for (const scope of scopes) {
    if (!SCOPE_TOKEN.test(scope)) throw new InvalidRequest('scope contains characters RFC 6749 does not allow');
  }
  return [...new Set(scopes)];
}

/**
 * The scopes a request gets: when none are asked for, the entry point's defaults if it has any,
 * else the client's; every scope must be known and allowed for the client, and a scope kept to
 * FAPI 2.0 clients is refused to others even when their registration predates the rule.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.3
 */
export function checkRequestedScopes(
  requested: string | undefined,
  client: Client,
  registry: ScopeRegistry,
  entryDefaults?: string[],
): string[] {
  const scopes = requested === undefined ? (entryDefaults ?? client.defaultScopes) : parseScope(requested);
  if (scopes.length === 0) throw new InvalidScope('no scope was requested and the client has no default scopes');
  for (const scope of scopes) {
    if (!registry.scope(scope)) throw new InvalidScope(`unknown scope: ${scope}`);
    if (!client.allowedScopes.includes(scope)) throw new InvalidScope(`the client may not request scope ${scope}`);
  }
  checkFapi2Scopes(scopes, client, registry);
  return scopes;
}

/** Scopes a product keeps to FAPI 2.0 clients (`requiresFapi2`): `invalid_scope` for any other client. */
export function checkFapi2Scopes(scopes: string[], client: Pick<Client, 'fapi2'>, registry: ScopeRegistry): void {
  if (client.fapi2) return;
  const kept = scopes.find((scope) => registry.scope(scope)?.requiresFapi2);
  if (kept) throw new InvalidScope(`scope ${kept} is only for FAPI 2.0 clients on this server`);
}

/** A refresh may narrow the scope, never widen it (RFC 6749 §6). */
export function checkNarrowedScopes(requested: string | undefined, granted: string[]): string[] {
  if (requested === undefined) return granted;
  const scopes = parseScope(requested);
  if (scopes.length === 0) throw new InvalidScope('scope must not be empty');
  for (const scope of scopes) {
    if (!granted.includes(scope)) throw new InvalidScope(`scope ${scope} exceeds what was granted`);
  }
  return scopes;
}
