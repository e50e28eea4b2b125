import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { errors, type BinanceAnswer } from './binance-errors.ts';
import { ROUTES, type RouteContext } from './binance-routes.ts';
import { checkSignedRequest } from './binance-signature.ts';
import { TradeIndex } from './binance-trade-index.ts';
import { SAPI_IP_WEIGHT_LIMIT, WeightCounter } from './binance-weight.ts';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';

export interface BinanceStandInOptions {
  /** The account served (default: empty); tests may replace or change it between syncs. */
  fixture?: ExchangeFixture;
  /** What `sapi/v1/account/apiRestrictions` reports for the key (default: read-only). */
  permissions?: { trade: boolean; withdraw: boolean };
  /** Request weight per minute of `/api/*` before 429 -1003 (Binance's default: 6000). */
  weightLimit?: number;
  /** Added before every answer (ms), to model the network in benchmarks (default 0). */
  latencyMs?: number;
  /** How far the stand-in's clock runs ahead of this machine's (ms; negative: behind). */
  clockSkewMs?: number;
}

/** One request as Binance's weight limiter counted it (the benchmark's account of the budget). */
export interface WeightCharge {
  /** Server time of arrival (ms), which decides the minute the weight counts in. */
  at: number;
  path: string;
  /** Which budget paid: the spot API's (`/api/*`, `weightLimit`) or SAPI's IP budget. */
  budget: 'api' | 'sapi';
  weight: number;
  /** The answer's HTTP status (429: over the limit, charged all the same). */
  status: number;
}

/** The Binance stand-in: the shared stand-in interface plus a read-only view of the weight it charged. */
export interface BinanceStandIn extends ExchangeStandIn {
  /** Every charged request in arrival order; read it, do not change it. */
  readonly charges: readonly WeightCharge[];
  /** Request weight per minute of `/api/*` before 429 -1003. */
  readonly weightLimit: number;
}

/**
 * A local Binance (spot REST + SAPI) for ccxt's `binance`: markets, coins, spot and funding
 * balances, key restrictions, deposits, withdrawals, trades, dividends and dust sweeps, each in
 * Binance's JSON, behind Binance's real HMAC-SHA256 signature, recvWindow and weight checks.
 */
export async function startBinanceStandIn(options: BinanceStandInOptions = {}): Promise<BinanceStandIn> {
  const apiWeight = new WeightCounter(options.weightLimit ?? 6000, ['x-mbx-used-weight', 'x-mbx-used-weight-1m']);
  const sapiWeight = new WeightCounter(SAPI_IP_WEIGHT_LIMIT, ['x-sapi-used-ip-weight-1m']);
  const trades = new TradeIndex();
  const serverTime = () => Date.now() + (options.clockSkewMs ?? 0);
  const keyCreatedAt = serverTime();
  let revoked = false;
  let rateLimitNext: number | undefined;
  const charges: WeightCharge[] = [];

  const standIn: BinanceStandIn = {
    providerId: 'binance',
    url: '',
    key: { api_key: randomToken(), secret_key: randomToken() },
    fixture: options.fixture ?? emptyFixture(),
    permissions: options.permissions ?? { trade: false, withdraw: false },
    revokeKey: () => void (revoked = true),
    rateLimitOnce: (seconds) => void (rateLimitNext = seconds),
    requests: [],
    charges,
    weightLimit: apiWeight.limit,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const secretOf = (apiKey: string) =>
    !revoked && apiKey === standIn.key.api_key ? standIn.key.secret_key : undefined;

  function answer(method: string, path: string, rawQuery: string, rawBody: string, apiKey?: string): BinanceAnswer {
    const route = ROUTES[`${method} ${path}`];
    if (!route) return errors.notFound();
    const now = serverTime();
    const budget = path.startsWith('/sapi/') ? 'sapi' : 'api';
    const counter = budget === 'sapi' ? sapiWeight : apiWeight;
    const charged = counter.charge(route.weight, now);
    // The status is filled in once the answer is known (answer() runs synchronously).
    charges.push({ at: now, path, budget, weight: route.weight, status: 0 });
    if (charged.rejected) return charged.rejected;
    const withWeight = (reply: BinanceAnswer) => ({ ...reply, headers: { ...charged.headers, ...reply.headers } });
    // Binance reads parameters from the query string and the form body; the query wins.
    const params = new URLSearchParams(rawBody);
    for (const [name, value] of new URLSearchParams(rawQuery)) params.set(name, value);
    if (route.signed) {
      if (rateLimitNext !== undefined) {
        const retryAfter = rateLimitNext;
        rateLimitNext = undefined;
        return withWeight(errors.tooMuchWeight(counter.limit, retryAfter));
      }
      const failure = checkSignedRequest({ apiKey, rawQuery, rawBody, params }, secretOf, now);
      if (failure) return withWeight(failure);
    }
    const context: RouteContext = {
      fixture: standIn.fixture,
      permissions: standIn.permissions,
      trades,
      serverTime: now,
      keyCreatedAt,
      weightLimit: apiWeight.limit,
    };
    return withWeight(route.answer(params, context));
  }

  const server = createServer(async (request, response) => {
    const at = Date.now();
    const [path = '/', rawQuery = ''] = (request.url ?? '/').split('?');
    const rawBody = await readBody(request);
    standIn.requests.push({ method: request.method ?? 'GET', path, at });
    const apiKey = request.headers['x-mbx-apikey'];
    const charged = charges.length;
    const reply = answer(request.method ?? 'GET', path, rawQuery, rawBody, Array.isArray(apiKey) ? apiKey[0] : apiKey);
    if (charges.length > charged) charges[charged]!.status = reply.status;
    if (options.latencyMs) await delay(options.latencyMs);
    response.writeHead(reply.status, { 'content-type': 'application/json;charset=UTF-8', ...reply.headers });
    response.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function randomToken(): string {
  return randomBytes(48)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 64);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
