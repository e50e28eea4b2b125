import { readFileSync } from 'node:fs';
import type { OAuthContext } from '../../oauth-context.ts';
import { UnsafeAuthorizationRequest } from '../../errors.ts';
import type { Client } from '../client.ts';
import { InvalidClientMetadata } from '../client-service.ts';
import { DocumentFetchError, fetchJsonDocument } from './fetch-json-document.ts';

const MAX_DOCUMENT_BYTES = 5 * 1024;

/**
 * The client behind a `client_id`: a registered one, or — when the id is a URL — the client its
 * metadata document describes (draft-ietf-oauth-client-id-metadata-document), fetched under
 * SSRF guards, validated, and kept as a public client until its cache time runs out.
 */
export async function resolveClient(ctx: OAuthContext, clientId: string): Promise<Client | undefined> {
  const known = await ctx.clients.findById(clientId);
  const url = metadataDocumentUrl(ctx, clientId);
  if (!url) return known;
  if (known && known.registeredVia === 'metadata' && (known.metadataExpiresAt ?? 0) > ctx.clock.now()) return known;
  return loadFromDocument(ctx, url, known);
}

const cas = new Map<string, string>();
function readCa(file: string): string {
  let pem = cas.get(file);
  if (!pem) cas.set(file, (pem = readFileSync(file, 'utf8')));
  return pem;
}

function metadataDocumentUrl(ctx: OAuthContext, clientId: string): URL | undefined {
  if (!ctx.config.CLIENT_METADATA_DOCUMENTS || !/^https?:\/\//.test(clientId)) return undefined;
  try {
    const url = new URL(clientId);
    // The draft requires a path and forbids fragments and credentials.
    if (url.hash || url.username || url.password || url.pathname === '/' || url.href !== clientId) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

async function loadFromDocument(ctx: OAuthContext, url: URL, known: Client | undefined): Promise<Client> {
  let fetched;
  try {
    fetched = await fetchJsonDocument(url, {
      maxBytes: MAX_DOCUMENT_BYTES,
      timeoutMs: ctx.config.CLIENT_METADATA_TIMEOUT_MS,
      allowLoopback: ctx.config.CLIENT_METADATA_ALLOW_LOOPBACK,
      ...(ctx.config.CLIENT_METADATA_CA_FILE ? { ca: readCa(ctx.config.CLIENT_METADATA_CA_FILE) } : {}),
    });
  } catch (error) {
    if (error instanceof DocumentFetchError)
      throw new UnsafeAuthorizationRequest(
        'invalid_client',
        `the client metadata document could not be used: ${error.message}`,
      );
    throw error;
  }
  const document = fetched.body as Record<string, unknown>;
  if (!document || typeof document !== 'object' || document.client_id !== url.href) {
    throw new UnsafeAuthorizationRequest(
      'invalid_client',
      'the client metadata document must name its own URL as client_id',
    );
  }
  if (document.client_secret !== undefined || (document.token_endpoint_auth_method ?? 'none') !== 'none') {
    throw new UnsafeAuthorizationRequest(
      'invalid_client',
      'clients identified by a metadata document authenticate with token_endpoint_auth_method "none"',
    );
  }
  const redirectUris = document.redirect_uris;
  if (!Array.isArray(redirectUris) || redirectUris.some((u) => typeof u !== 'string'))
    throw new UnsafeAuthorizationRequest('invalid_client', 'the metadata document needs redirect_uris');
  const cacheSeconds = Math.max(
    60,
    Math.min(ctx.config.CLIENT_METADATA_CACHE_SECONDS, fetched.maxAge ?? Number.MAX_SAFE_INTEGER),
  );
  const registration = {
    id: url.href,
    name:
      typeof document.client_name === 'string' && document.client_name.trim()
        ? document.client_name.slice(0, 200)
        : url.host,
    type: 'public' as const,
    redirectUris: redirectUris as string[],
    grantTypes: ['authorization_code', 'refresh_token'],
    logoUri:
      typeof document.logo_uri === 'string' && document.logo_uri.startsWith('https://') ? document.logo_uri : null,
    registeredVia: 'metadata' as const,
    // RFC 9449 §5.2: a client that says it always uses DPoP is held to it.
    dpopBoundAccessTokens: document.dpop_bound_access_tokens === true,
    metadata: {
      client_uri: document.client_uri,
      client_name: document.client_name,
      ...(document.dpop_bound_access_tokens === true ? { dpop_bound_access_tokens: true } : {}),
    },
    metadataExpiresAt: ctx.clock.now() + cacheSeconds * 1000,
  };
  try {
    if (known) return await ctx.clientService.update(known.id, registration);
    return (await ctx.clientService.create(registration)).client;
  } catch (error) {
    if (error instanceof InvalidClientMetadata)
      throw new UnsafeAuthorizationRequest(
        'invalid_client',
        `the client metadata document is not acceptable: ${error.message}`,
      );
    throw error;
  }
}
