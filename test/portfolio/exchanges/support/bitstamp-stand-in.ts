import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import { balancesResult, marketsResult, userTransactionRows, withdrawalRequests } from './bitstamp-account.ts';

/** Bitstamp's API key permission boxes the stand-in checks. */
export type BitstampGrant = 'account-balance' | 'user-transactions' | 'withdrawal-requests';

export interface BitstampStandIn extends ExchangeStandIn {
  /** The boxes ticked on the key; a call needing another answers `No permission found`. */
  grants: Set<BitstampGrant>;
}

const REQUIRED: Record<string, BitstampGrant> = {
  '/api/v2/account_balances/': 'account-balance',
  '/api/v2/user_transactions/': 'user-transactions',
  '/api/v2/withdrawal-requests/': 'withdrawal-requests',
};

/** X-Auth-Timestamp must be within 150 s of the server's clock, and a nonce is not accepted twice within it. */
const WINDOW_MS = 150_000;
/** withdrawal-requests' documented ceiling for `timedelta` (seconds). */
const MAX_TIMEDELTA = 50_000_000;

/**
 * A local www.bitstamp.net/api: public markets/, private account_balances/, user_transactions/
 * and withdrawal-requests/, each private call checked like Bitstamp's v2 auth: X-Auth
 * `BITSTAMP <key>`, X-Auth-Signature = hex HMAC-SHA256(secret, X-Auth + method + host + path +
 * query + content type + nonce + timestamp + `v2` + body), timestamp within 150 s, nonce unused,
 * the key's permission. Successful answers carry X-Server-Auth-Signature. Errors are
 * `{"status":"error","reason":…,"code":"API00xx"}` with HTTP 403.
 */
export async function startBitstampStandIn(options: { fixture?: ExchangeFixture } = {}): Promise<BitstampStandIn> {
  const key = { api_key: randomBytes(16).toString('hex'), secret_key: randomBytes(16).toString('hex') };
  let keyKnown = true;
  let rateLimitNext: number | undefined;
  const seenNonces = new Map<string, number>();

  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      standIn.requests.push({ method: request.method ?? 'GET', path: url.pathname, at: Date.now() });
      if (url.pathname === '/api/v2/markets/')
        return send(response, 200, marketsResult(standIn.fixture.trades.map((t) => [t.base, t.quote])));
      const refusal = authenticate(request, url, body);
      if (refusal) return send(response, refusal.status, refusal.body, refusal.headers);
      let answer: ReturnType<typeof privateAnswer>;
      try {
        answer = privateAnswer(url.pathname, new URLSearchParams(body));
      } catch (error) {
        // A fixture the stand-in cannot express: said loudly, never left hanging until a timeout.
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      const text = JSON.stringify(answer.body);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (answer.status === 200) {
        const nonce = String(request.headers['x-auth-nonce']);
        const stamp = String(request.headers['x-auth-timestamp']);
        headers['x-server-auth-signature'] = hmac(nonce + stamp + headers['content-type'] + text);
      }
      send(response, answer.status, text, headers);
    });
  });

  function hmac(message: string): string {
    return createHmac('sha256', key.secret_key).update(message).digest('hex');
  }

  function authenticate(request: IncomingMessage, url: URL, body: string) {
    const refuse = (reason: string, code: string) => ({
      status: 403,
      body: { status: 'error', reason, code },
      headers: {},
    });
    const header = (name: string) => String(request.headers[name] ?? '');
    const xAuth = header('x-auth');
    if (!xAuth.startsWith('BITSTAMP ')) return refuse('Wrong API key format', 'API0011');
    if (!keyKnown || xAuth !== `BITSTAMP ${key.api_key}`) return refuse('Authentication failed', 'API0008');
    const nonce = header('x-auth-nonce');
    const stamp = header('x-auth-timestamp');
    const contentType = header('content-type');
    const tail = url.search.slice(1) + contentType + nonce + stamp + header('x-auth-version') + body;
    // Bitstamp signs the host and path without a scheme; ccxt strips only `https://`, so over the
    // stand-in's plain HTTP its message keeps `http://`. Either form is a full HMAC check.
    const forms = [`${header('host')}${url.pathname}`, `http://${header('host')}${url.pathname}`].map((where) =>
      hmac(xAuth + (request.method ?? '') + where + tail),
    );
    const given = Buffer.from(header('x-auth-signature').toLowerCase());
    if (!forms.some((form) => form.length === given.length && timingSafeEqual(Buffer.from(form), given)))
      return refuse('Invalid signature', 'API0005');
    if (!/^\d+$/.test(stamp) || Math.abs(Date.now() - Number(stamp)) > WINDOW_MS)
      return refuse('X-Auth-Timestamp header is out of boundaries', 'API0017');
    for (const [seen, at] of seenNonces) if (Date.now() - at > WINDOW_MS) seenNonces.delete(seen);
    if (seenNonces.has(nonce)) return refuse('Invalid nonce', 'API0004');
    seenNonces.set(nonce, Date.now());
    if (rateLimitNext !== undefined) {
      rateLimitNext = undefined;
      const body = {
        status: 'error',
        reason: 'Request rejected due to exceeded rate limit.',
        response_code: '400.002',
      };
      return { status: 429, body, headers: {} };
    }
    const grant = REQUIRED[url.pathname];
    if (grant && !standIn.grants.has(grant)) return refuse('No permission found', 'API0002');
    return undefined;
  }

  function privateAnswer(path: string, params: URLSearchParams): { status: number; body: unknown } {
    const fixture = standIn.fixture;
    if (path === '/api/v2/account_balances/') return { status: 200, body: balancesResult(fixture) };
    if (path === '/api/v2/user_transactions/') return userTransactions(fixture, params);
    if (path === '/api/v2/withdrawal-requests/') {
      const seconds = Math.min(Number(params.get('timedelta') ?? 86_400), MAX_TIMEDELTA);
      const rows = withdrawalRequests(fixture).filter((w) => w.ms >= Date.now() - seconds * 1000);
      return { status: 200, body: rows.sort((a, b) => b.ms - a.ms).map((w) => w.row) };
    }
    return { status: 404, body: { status: 'error', reason: 'Not found' } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const standIn: BitstampStandIn = {
    providerId: 'bitstamp',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key,
    fixture: options.fixture ?? emptyFixture(),
    // Bitstamp's API does not report these; kept for the shared contract.
    permissions: { trade: false, withdraw: false },
    grants: new Set(['account-balance', 'user-transactions', 'withdrawal-requests']),
    revokeKey: () => void (keyKnown = false),
    // Bitstamp documents no Retry-After: the argument is kept for the contract, none is sent.
    rateLimitOnce: (seconds: number) => void (rateLimitNext = seconds),
    requests: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standIn;
}

/** offset (≤ 200000), limit (≤ 1000, default 100), sort (desc default), since/until_timestamp (s), since_id. */
function userTransactions(fixture: ExchangeFixture, params: URLSearchParams): { status: number; body: unknown } {
  const malformed = (name: string, code: string) => ({
    status: 400,
    body: { status: 'error', reason: `POST parameter(s) is malformed: ${name}.`, response_code: code },
  });
  const offset = Number(params.get('offset') ?? 0);
  const limit = Number(params.get('limit') ?? 100);
  const sort = params.get('sort') ?? 'desc';
  if (!Number.isInteger(offset) || offset < 0 || offset > 200_000) return malformed('offset', '400.010');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return malformed('limit', '400.011');
  if (sort !== 'asc' && sort !== 'desc') return malformed('sort', '400.012');
  const since = params.get('since_timestamp');
  const until = params.get('until_timestamp');
  const sinceId = params.get('since_id');
  const rows = userTransactionRows(fixture)
    .filter((r) => since === null || r.ms >= Number(since) * 1000)
    .filter((r) => until === null || r.ms <= Number(until) * 1000)
    .filter((r) => sinceId === null || r.id >= Number(sinceId))
    .sort((a, b) => (sort === 'asc' ? a.ms - b.ms || a.id - b.id : b.ms - a.ms || b.id - a.id));
  const size = sinceId === null ? limit : 1000;
  return { status: 200, body: rows.slice(offset, offset + size).map((r) => r.row) };
}

function send(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(typeof body === 'string' ? body : JSON.stringify(body));
}
