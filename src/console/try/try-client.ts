import type { WebDeps } from '../web-deps.ts';
import { InvalidClientMetadata, type NewClient } from '../../oauth/index.ts';
import { chooseProductProbe, type ProductProbe } from './product-probe.ts';

/** A fixed id, so every node (and every restart) finds the one registration instead of adding more. */
export const TRY_CLIENT_ID = 'cl_try_it_out';

export interface TryClient {
  clientId: string;
  redirectUri: string;
  /** Where the demo app itself lives: the issuer, or its loopback-IP twin (see below). */
  appBase: string;
  scopes: string[];
  probe: ProductProbe | undefined;
}

/**
 * Registers the demo as a public client through ClientService on first use (and brings the
 * registration up to date when ISSUER or PRODUCTS changed). Its redirect URI is
 * `${ISSUER}/try/callback`. Registration refuses plain-http redirect URIs except on loopback IP
 * literals (RFC 8252 §7.3, RFC 9700 §2.6) — and the default development issuer is
 * http://localhost — so in that one case the demo lives at http://127.0.0.1:<port> instead,
 * which the same server answers too (Fastify listens on both addresses of "localhost").
 */
export async function ensureTryClient({ kernel, oauth }: Pick<WebDeps, 'kernel' | 'oauth'>): Promise<TryClient> {
  const probe = chooseProductProbe(kernel.registry);
  const scopes = ['openid', 'profile', 'email', 'offline_access', ...(probe ? [probe.scope] : [])].filter((s) =>
    kernel.registry.scope(s),
  );
  let refusal: InvalidClientMetadata | undefined;
  for (const appBase of candidateBases(kernel.config.ISSUER)) {
    const redirectUri = `${appBase}/try/callback`;
    try {
      await register(oauth, {
        name: 'Try it out (built-in demo)',
        type: 'public',
        redirectUris: [redirectUri],
        allowedScopes: scopes,
        defaultScopes: scopes,
        registeredVia: 'console',
        verified: true,
      });
      return { clientId: TRY_CLIENT_ID, redirectUri, appBase, scopes, probe };
    } catch (error) {
      if (!(error instanceof InvalidClientMetadata) || error.field !== 'redirect_uris') throw error;
      refusal = error;
    }
  }
  throw refusal ?? new Error('no origin for the try app');
}

async function register(oauth: WebDeps['oauth'], wanted: NewClient): Promise<void> {
  const existing = await oauth.clients.findById(TRY_CLIENT_ID);
  if (existing) {
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (same(existing.redirectUris, wanted.redirectUris) && same(existing.allowedScopes, wanted.allowedScopes ?? []))
      return;
    await oauth.clientService.update(TRY_CLIENT_ID, wanted);
    return;
  }
  try {
    await oauth.clientService.create({ ...wanted, id: TRY_CLIENT_ID });
  } catch (error) {
    // Two first visits at once (or two nodes): whoever lost the insert finds the winner's row.
    if (error instanceof InvalidClientMetadata || !(await oauth.clients.findById(TRY_CLIENT_ID))) throw error;
  }
}

/** The issuer first; for http://localhost also 127.0.0.1 on the same port and path. */
function candidateBases(issuer: string): string[] {
  const url = new URL(issuer);
  if (url.protocol !== 'http:' || url.hostname !== 'localhost') return [issuer];
  url.hostname = '127.0.0.1';
  return [issuer, url.toString().replace(/\/+$/, '')];
}
