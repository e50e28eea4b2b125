import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import { coinbaseUuid } from './coinbase-currencies.ts';
import { createCdpKey, verifyCdpJwt, type CdpKey, type JwtRejection } from './coinbase-jwt.ts';
import { publicRoute, v2Error, v2PrivateRoute, v3Error, v3PrivateRoute, type Answer } from './coinbase-routes.ts';

export interface CoinbaseStandInOptions {
  fixture?: ExchangeFixture;
  permissions?: { trade: boolean; withdraw: boolean };
  /** The signature algorithm of the key in `key` (Coinbase's portal offers both). */
  algorithm?: 'ES256' | 'EdDSA';
}

export interface CoinbaseStandIn extends ExchangeStandIn {
  requests: Array<{ method: string; path: string; at: number; query: URLSearchParams }>;
  /** The key's View permission; without it every private read is refused (403). */
  canView: boolean;
  /** The stand-in's clock minus the real one: a JWT is judged by this clock. */
  clockOffsetMs: number;
  /** Another valid key for the same account. */
  addKey(algorithm: 'ES256' | 'EdDSA'): { api_key: string; secret_key: string };
}

const V2_VERSION_WARNING = {
  id: 'missing_version',
  message: 'Please supply API version (YYYY-MM-DD) as CB-VERSION header',
  url: 'https://developers.coinbase.com/api#versioning',
};

/**
 * A local Coinbase (Advanced Trade v3 + v2 wallet API) for a CDP key: verifies each request's
 * JWT, serves the fixture in Coinbase's JSON, and answers faults as Coinbase does — v3 rejects
 * any bad, expired or unknown-key JWT with a bare `401 Unauthorized` (text, not JSON), v2 with
 * `authentication_error` ("invalid signature", "request timestamp expired", "invalid api key"); a key without View gets v3 `403 PERMISSION_DENIED` / v2 `invalid_scope`;
 * a rate limit is `429` (v3: the gateway's HTML page; v2: `rate_limit_exceeded`) with `Retry-After`.
 */
export async function startCoinbaseStandIn(options: CoinbaseStandInOptions = {}): Promise<CoinbaseStandIn> {
  const organization = coinbaseUuid('organization');
  const keys = new Map<string, CdpKey>();
  const addKey = (algorithm: 'ES256' | 'EdDSA'): { api_key: string; secret_key: string } => {
    const key = createCdpKey(`organizations/${organization}/apiKeys/${coinbaseUuid(`key/${keys.size}`)}`, algorithm);
    keys.set(key.name, key);
    return { api_key: key.name, secret_key: key.secret };
  };
  let rateLimitSeconds: number | undefined;
  const standIn: CoinbaseStandIn = {
    providerId: 'coinbase',
    url: '',
    key: addKey(options.algorithm ?? 'ES256'),
    fixture: options.fixture ?? emptyFixture(),
    permissions: options.permissions ?? { trade: false, withdraw: false },
    canView: true,
    clockOffsetMs: 0,
    requests: [],
    revokeKey: () => keys.clear(),
    rateLimitOnce: (seconds) => {
      rateLimitSeconds = seconds;
    },
    addKey,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const answer = (request: IncomingMessage): { answer: Answer; headers?: Record<string, string> } => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    const path = url.pathname;
    const now = Date.now() + standIn.clockOffsetMs;
    standIn.requests.push({ method: request.method ?? 'GET', path, at: Date.now(), query: url.searchParams });
    const isV3 = path.startsWith('/api/v3/');
    const open = publicRoute(path, url.searchParams, standIn.fixture, now);
    if (open) return { answer: open };
    if (!isV3 && !path.startsWith('/v2/')) return { answer: { status: 404, body: 'Not Found' } };
    if (rateLimitSeconds !== undefined) {
      const headers = { 'retry-after': String(rateLimitSeconds) };
      rateLimitSeconds = undefined;
      return isV3
        ? { answer: { status: 429, body: RATE_LIMIT_PAGE }, headers: { ...headers, 'content-type': 'text/html' } }
        : { answer: v2Error(429, 'rate_limit_exceeded', 'Too many requests'), headers };
    }
    const verdict = verifyCdpJwt(
      {
        authorization: request.headers.authorization,
        method: request.method ?? 'GET',
        host: request.headers.host ?? '',
        path,
        nowSeconds: Math.floor(now / 1000),
      },
      keys,
    );
    if ('rejected' in verdict)
      return isV3 ? { answer: { status: 401, body: 'Unauthorized\n' } } : { answer: v2Rejection(verdict.rejected) };
    const context = { fixture: standIn.fixture, permissions: standIn.permissions, canView: standIn.canView };
    const found = isV3
      ? v3PrivateRoute(path, url.searchParams, context)
      : v2PrivateRoute(path, url.searchParams, context);
    if (found) return { answer: found };
    return { answer: isV3 ? v3Error(404, 'NOT_FOUND', 'Not Found') : v2Error(404, 'not_found', 'Not found') };
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const { answer: reply, headers = {} } = answer(request);
    const isV2 = (request.url ?? '').startsWith('/v2/');
    let body = reply.body;
    // v2 answers without a CB-VERSION header carry Coinbase's versioning warning.
    if (isV2 && !request.headers['cb-version'] && body && typeof body === 'object')
      body = { ...(body as object), warnings: [V2_VERSION_WARNING] };
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    response.writeHead(reply.status, {
      'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
      ...headers,
    });
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function v2Rejection(reason: JwtRejection): Answer {
  const messages: Record<JwtRejection, string> = {
    missing: 'invalid api key',
    malformed: 'invalid signature',
    unknown_key: 'invalid api key',
    bad_signature: 'invalid signature',
    expired: 'request timestamp expired',
    wrong_uri: 'invalid signature',
  };
  return v2Error(401, 'authentication_error', messages[reason]);
}

const RATE_LIMIT_PAGE =
  '<html><head><title>Coinbase</title><meta name="robots" content="noindex"></head>' +
  '<body><h1>Too many requests</h1><p>Please slow down and try again.</p></body></html>';
