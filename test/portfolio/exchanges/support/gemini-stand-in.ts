/**
 * A local Gemini (REST v1) that ccxt's `gemini` talks to unmodified. Private calls are POSTs whose
 * X-GEMINI-PAYLOAD is base64 JSON carrying `request` (the path) and a `nonce` that must grow with
 * every call of the key; X-GEMINI-SIGNATURE is hex HMAC-SHA384(secret, payload). Faults come back
 * as Gemini sends them: `{"result":"error","reason":…,"message":…}` with 400 (InvalidApiKey,
 * InvalidSignature, InvalidNonce), 403 (MissingRole) or 429 (RateLimit, no Retry-After).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import { balances, myTrades, page, symbols, toMillis, transfers } from './gemini-wire.ts';

type Role = 'Auditor' | 'Trader' | 'FundManager';

/** Which roles may call each private endpoint (Gemini's documentation per endpoint). */
const ROLES_NEEDED: Record<string, Role[]> = {
  '/v1/roles': ['Auditor', 'Trader', 'FundManager'],
  '/v1/balances': ['Auditor', 'Trader', 'FundManager'],
  '/v1/mytrades': ['Auditor', 'Trader'],
  '/v1/transfers': ['Auditor', 'Trader', 'FundManager'],
};

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const error = (status: number, reason: string, message: string): Answer => ({
  status,
  body: { result: 'error', reason, message },
});

export async function startGeminiStandIn(options: { fixture?: ExchangeFixture } = {}): Promise<ExchangeStandIn> {
  // ccxt accepts only account-scoped keys (they start with `account-`), as Gemini issues them.
  const key = { api_key: 'account-Tx8vZ3qLmN2pR5sW7yB1', secret_key: '3kHs7QnZ2vX9cB4wE6rT8yU1iO5p' };
  let keyRevoked = false;
  let rateLimitFor: number | undefined;
  let lastNonce = 0n;

  const standIn: ExchangeStandIn = {
    providerId: 'gemini',
    url: '',
    key,
    fixture: options.fixture ?? emptyFixture(),
    permissions: { trade: false, withdraw: false },
    revokeKey: () => void (keyRevoked = true),
    rateLimitOnce: (seconds) => void (rateLimitFor = seconds),
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  /** A key has one role: Trader if it may trade, Fund Manager if it may move funds, else Auditor. */
  const role = (): Role =>
    standIn.permissions.trade ? 'Trader' : standIn.permissions.withdraw ? 'FundManager' : 'Auditor';

  /** Gemini's checks, in its order: headers, rate limit, key, signature, endpoint, nonce, role. */
  function authenticate(request: IncomingMessage, path: string): { payload: Record<string, unknown> } | Answer {
    const apiKey = String(request.headers['x-gemini-apikey'] ?? '');
    const payloadHeader = String(request.headers['x-gemini-payload'] ?? '');
    const signature = String(request.headers['x-gemini-signature'] ?? '');
    if (!apiKey) return error(400, 'MissingApikeyHeader', 'The X-GEMINI-APIKEY header was missing');
    if (!payloadHeader) return error(400, 'MissingPayloadHeader', 'The X-GEMINI-PAYLOAD header was missing');
    if (!signature) return error(400, 'MissingSignatureHeader', 'The X-GEMINI-SIGNATURE header was missing');
    // The rate limiter answers before the key is even looked at, and consumes no nonce.
    if (rateLimitFor !== undefined) {
      rateLimitFor = undefined;
      return error(429, 'RateLimit', 'Requests were made too frequently. See Rate Limits below.');
    }
    if (apiKey !== key.api_key || keyRevoked) return error(400, 'InvalidApiKey', 'Invalid API key');
    const expected = createHmac('sha384', key.secret_key).update(payloadHeader).digest('hex');
    if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected)))
      return error(400, 'InvalidSignature', 'InvalidSignature');
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(payloadHeader, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      return error(400, 'InvalidJson', 'The JSON provided is invalid');
    }
    if (payload['request'] !== path)
      return error(
        400,
        'EndpointMismatch',
        `EndpointMismatch: payload request ${String(payload['request'])} ≠ ${path}`,
      );
    const nonce = /^\d+$/.test(String(payload['nonce'])) ? BigInt(String(payload['nonce'])) : undefined;
    if (nonce === undefined || nonce <= lastNonce)
      return error(
        400,
        'InvalidNonce',
        `Nonce '${String(payload['nonce'])}' has not increased since your last call to the Gemini API.`,
      );
    lastNonce = nonce;
    const allowed = ROLES_NEEDED[path];
    if (allowed && !allowed.includes(role()))
      return error(
        403,
        'MissingRole',
        `To access this endpoint, you need to log in to the website and go to the settings page to assign one of these roles [${allowed.join(', ')}] to API key ${key.api_key} which currently has roles [${role()}]`,
      );
    return { payload };
  }

  function privateRoute(path: string, payload: Record<string, unknown>): Answer {
    switch (path) {
      case '/v1/roles':
        return {
          status: 200,
          body: {
            counterparty_id: 'WAZSBYCE',
            isAuditor: role() === 'Auditor',
            isFundManager: role() === 'FundManager',
            isTrader: role() === 'Trader',
          },
        };
      case '/v1/balances':
        return { status: 200, body: balances(standIn.fixture) };
      case '/v1/mytrades': {
        const symbol = typeof payload['symbol'] === 'string' ? payload['symbol'] : '';
        if (!symbols(standIn.fixture).includes(symbol.toLowerCase()))
          return error(400, 'InvalidSymbol', `Received invalid symbol: '${symbol}'`);
        const limit = Math.min(Number(payload['limit_trades'] ?? 50), 500);
        return { status: 200, body: page(myTrades(standIn.fixture, symbol), toMillis(payload['timestamp']), limit) };
      }
      case '/v1/transfers': {
        const limit = Math.min(Number(payload['limit_transfers'] ?? 10), 50);
        return { status: 200, body: page(transfers(standIn.fixture), toMillis(payload['timestamp']), limit) };
      }
      default:
        return error(404, 'EndpointNotFound', `API entry point ${path} not found`);
    }
  }

  function route(request: IncomingMessage, path: string): Answer {
    if (request.method === 'GET' && path === '/v1/symbols') return { status: 200, body: symbols(standIn.fixture) };
    if (request.method !== 'POST') return error(404, 'EndpointNotFound', `API entry point ${path} not found`);
    const checked = authenticate(request, path);
    return 'payload' in checked ? privateRoute(path, checked.payload) : checked;
  }

  function reply(response: ServerResponse, answer: Answer): void {
    response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
    response.end(JSON.stringify(answer.body));
  }

  const server = createServer((request, response) => {
    // The body is ignored: Gemini reads the parameters from the signed payload header alone.
    request.resume();
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0]!;
      standIn.requests.push({ method: request.method ?? 'GET', path, at: Date.now() });
      reply(response, route(request, path));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}
