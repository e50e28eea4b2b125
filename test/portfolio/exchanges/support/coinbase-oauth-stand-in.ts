import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture } from './exchange-stand-in.ts';
import { CoinbaseGrants, OAuthFailure } from './coinbase-oauth-grants.ts';
import { v2Error, v2WalletRoute } from './coinbase-routes.ts';
import type { CoinbaseWalletFixture } from './coinbase-v2-wire.ts';

export interface CoinbaseOAuthStandInOptions {
  clientId?: string;
  clientSecret?: string;
  /** The one redirect URI registered for the client (matched exactly). */
  redirectUri: string;
  accessTokenTtlSeconds?: number;
  /** Approve every valid authorization request at once (a 302), instead of showing the consent page. */
  autoApprove?: boolean;
  fixture?: CoinbaseWalletFixture;
}

export interface CoinbaseOAuthStandIn {
  /** Base URL: authorize at `${url}/oauth2/auth`, tokens at `/oauth2/token`, revoke at `/oauth2/revoke`, API under `/v2`. */
  url: string;
  clientId: string;
  clientSecret: string;
  fixture: CoinbaseWalletFixture;
  /** Every access and refresh token issued, and those no longer valid (rotated or revoked). */
  tokensIssued: Set<string>;
  revoked: Set<string>;
  /** The next refresh_token grant fails: `invalid_grant` spends the token, `server_error` (500) does not. */
  failNextRefresh(error?: 'invalid_grant' | 'server_error'): void;
  /** The stand-in's clock minus the real one (ms): move it to expire tokens and codes. */
  clockOffsetMs: number;
  requests: Array<{ method: string; path: string; at: number }>;
  close(): Promise<void>;
}

const SCOPES = new Set([
  'wallet:user:read',
  'wallet:user:email',
  'wallet:accounts:read',
  'wallet:transactions:read',
  'wallet:buys:read',
  'wallet:sells:read',
  'wallet:deposits:read',
  'wallet:withdrawals:read',
  'wallet:addresses:read',
  'offline_access',
]);

/** The scope each v2 read needs. */
function scopeFor(path: string): string {
  if (path === '/v2/user') return 'wallet:user:read';
  if (/\/transactions$/.test(path)) return 'wallet:transactions:read';
  if (/\/deposits$/.test(path)) return 'wallet:deposits:read';
  if (/\/withdrawals$/.test(path)) return 'wallet:withdrawals:read';
  return 'wallet:accounts:read';
}

/**
 * A local stand-in for Coinbase's OAuth 2.0 server (login.coinbase.com/oauth2/…) and the v2
 * wallet API behind it, for linking Coinbase by OAuth in tests. Authorization code with PKCE
 * (S256, required), refresh tokens that rotate, RFC 7009 revocation, client_secret_post or
 * client_secret_basic; the API answers expired, revoked and unknown bearer tokens with
 * Coinbase's `expired_token` / `revoked_token` / `invalid_token` errors.
 * @see https://docs.cdp.coinbase.com/coinbase-app/oauth2-integration/oauth2-reference
 */
export async function startCoinbaseOAuthStandIn(options: CoinbaseOAuthStandInOptions): Promise<CoinbaseOAuthStandIn> {
  let nextRefreshFailure: 'invalid_grant' | 'server_error' | undefined;
  const standIn: CoinbaseOAuthStandIn = {
    url: '',
    clientId: options.clientId ?? 'coinbase-client-id',
    clientSecret: options.clientSecret ?? 'coinbase-client-secret',
    fixture: options.fixture ?? emptyFixture(),
    tokensIssued: new Set(),
    revoked: new Set(),
    failNextRefresh: (error = 'invalid_grant') => {
      nextRefreshFailure = error;
    },
    clockOffsetMs: 0,
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const grants = new CoinbaseGrants(() => Date.now() + standIn.clockOffsetMs, options.accessTokenTtlSeconds ?? 3600);
  standIn.tokensIssued = grants.tokensIssued;
  standIn.revoked = grants.revoked;
  /** Authorization requests waiting on the consent page, by a one-time id. */
  const consents = new Map<string, { state: string | null; code: () => string }>();

  const authorize = (query: URLSearchParams, response: ServerResponse): void => {
    if (query.get('client_id') !== standIn.clientId || query.get('redirect_uri') !== options.redirectUri)
      return sendPage(response, 400, '<h1>Invalid request</h1><p>Unknown client or unregistered redirect_uri.</p>');
    const state = query.get('state');
    const fail = (error: string, description: string): void =>
      redirect(response, options.redirectUri, { error, error_description: description, state });
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256')
      return fail('invalid_request', 'PKCE is required: code_challenge with code_challenge_method=S256');
    const scope = (query.get('scope') ?? '').split(/[ ,]+/).filter(Boolean);
    if (scope.length === 0 || scope.some((s) => !SCOPES.has(s)))
      return fail('invalid_scope', 'The requested scope is invalid');
    const code = (): string =>
      grants.issueCode({ clientId: standIn.clientId, redirectUri: options.redirectUri, scope, challenge });
    if (options.autoApprove) return redirect(response, options.redirectUri, { code: code(), state });
    const id = randomBytes(16).toString('base64url');
    consents.set(id, { state, code });
    sendPage(response, 200, consentPage(id, scope));
  };

  const decide = (form: URLSearchParams, response: ServerResponse): void => {
    const consent = consents.get(form.get('consent_id') ?? '');
    if (!consent) return sendPage(response, 400, '<h1>This request expired</h1>');
    consents.delete(form.get('consent_id')!);
    if (form.get('decision') !== 'authorize')
      return redirect(response, options.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied access',
        state: consent.state,
      });
    redirect(response, options.redirectUri, { code: consent.code(), state: consent.state });
  };

  const token = (request: IncomingMessage, form: URLSearchParams): unknown => {
    const clientId = authenticateClient(request, form, standIn);
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code')
      return grants.redeemCode(
        clientId,
        form.get('code') ?? '',
        form.get('redirect_uri') ?? undefined,
        form.get('code_verifier') ?? undefined,
      );
    if (grantType === 'refresh_token') {
      const failure = nextRefreshFailure;
      nextRefreshFailure = undefined;
      if (failure === 'server_error') throw new OAuthFailure('server_error', 'The server encountered an error', 500);
      if (failure === 'invalid_grant') {
        grants.revoke(clientId, form.get('refresh_token') ?? '');
        throw new OAuthFailure('invalid_grant', 'The provided authorization grant is invalid, expired or revoked');
      }
      return grants.rotate(clientId, form.get('refresh_token') ?? '');
    }
    throw new OAuthFailure('unsupported_grant_type', 'The authorization grant type is not supported');
  };

  const api = (
    request: IncomingMessage,
    url: URL,
  ): { status: number; body: unknown; headers?: Record<string, string> } => {
    const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer)
      return { ...v2Error(401, 'authentication_error', 'missing authentication header'), headers: challenge() };
    const standing = grants.check(bearer);
    if (typeof standing === 'string') {
      const message = {
        invalid_token: 'The access token is invalid',
        revoked_token: 'The access token was revoked',
        expired_token: 'The access token expired',
      }[standing];
      return { ...v2Error(401, standing, message), headers: challenge('invalid_token', message) };
    }
    if (!standing.scope.includes(scopeFor(url.pathname))) return v2Error(403, 'invalid_scope', 'Invalid scope');
    return v2WalletRoute(url.pathname, url.searchParams, standIn.fixture) ?? v2Error(404, 'not_found', 'Not found');
  };

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'server_error', error_description: String(error) }));
    });
  });
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    standIn.requests.push({ method: request.method ?? 'GET', path: url.pathname, at: Date.now() });
    const route = `${request.method} ${url.pathname}`;
    if (route === 'GET /oauth2/auth') return authorize(url.searchParams, response);
    if (route === 'POST /oauth2/auth') return decide(await readForm(request), response);
    if (route === 'POST /oauth2/token' || route === 'POST /oauth2/revoke') {
      const form = await readForm(request);
      try {
        if (route === 'POST /oauth2/token') return sendJson(response, 200, token(request, form), NO_STORE);
        grants.revoke(authenticateClient(request, form, standIn), form.get('token') ?? '');
        return sendJson(response, 200, {}, NO_STORE);
      } catch (error) {
        if (!(error instanceof OAuthFailure)) throw error;
        const headers: Record<string, string> =
          error.status === 401 && request.headers.authorization ? { 'www-authenticate': 'Basic realm="Coinbase"' } : {};
        return sendJson(
          response,
          error.status,
          { error: error.error, error_description: error.description },
          { ...NO_STORE, ...headers },
        );
      }
    }
    if (request.method === 'GET' && url.pathname.startsWith('/v2/')) {
      const answer = api(request, url);
      const body =
        request.headers['cb-version'] || !answer.body || typeof answer.body !== 'object'
          ? answer.body
          : {
              ...answer.body,
              warnings: [
                { id: 'missing_version', message: 'Please supply API version (YYYY-MM-DD) as CB-VERSION header' },
              ],
            };
      return sendJson(response, answer.status, body, answer.headers ?? {});
    }
    sendJson(response, 404, { errors: [{ id: 'not_found', message: 'Not found' }] });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };

/** client_secret_basic (Authorization: Basic) or client_secret_post (form fields); one method per request. */
function authenticateClient(request: IncomingMessage, form: URLSearchParams, standIn: CoinbaseOAuthStandIn): string {
  const basic = /^Basic (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  let id = form.get('client_id');
  let secret = form.get('client_secret');
  if (basic) {
    if (secret !== null) throw new OAuthFailure('invalid_request', 'Use one client authentication method', 400);
    const decoded = Buffer.from(basic, 'base64').toString();
    const colon = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (id !== standIn.clientId || secret !== standIn.clientSecret)
    throw new OAuthFailure('invalid_client', 'Client authentication failed', 401);
  return id;
}

function challenge(error?: string, description?: string): Record<string, string> {
  const detail = error ? `, error="${error}", error_description="${description}"` : '';
  return { 'www-authenticate': `Bearer realm="Coinbase"${detail}` };
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString();
  if ((request.headers['content-type'] ?? '').includes('application/json')) {
    const json = JSON.parse(text || '{}') as Record<string, unknown>;
    return new URLSearchParams(Object.entries(json).map(([k, v]) => [k, String(v)]));
  }
  return new URLSearchParams(text);
}

function redirect(response: ServerResponse, to: string, params: Record<string, string | null>): void {
  const target = new URL(to);
  for (const [key, value] of Object.entries(params)) if (value !== null) target.searchParams.set(key, value);
  response.writeHead(302, { location: target.toString(), 'cache-control': 'no-store' });
  response.end();
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}

function sendPage(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Coinbase</title></head><body>${body}</body></html>`,
  );
}

function consentPage(id: string, scope: string[]): string {
  const items = scope.map((s) => `<li>${s.replace(/[<>&"]/g, '')}</li>`).join('');
  return (
    '<main><h1>Authorize access to your Coinbase account</h1>' +
    `<p>This app is asking to:</p><ul>${items}</ul>` +
    `<form method="post" action="/oauth2/auth"><input type="hidden" name="consent_id" value="${id}">` +
    '<button type="submit" name="decision" value="authorize">Authorize</button> ' +
    '<button type="submit" name="decision" value="deny">Deny</button></form></main>'
  );
}
