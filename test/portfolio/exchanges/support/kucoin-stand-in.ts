import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import * as wire from './kucoin-wire.ts';

/**
 * KuCoin's classic REST API on 127.0.0.1, for a high-frequency (HF) spot account: the endpoints
 * ccxt's `kucoin` class and the KuCoin definition call. Signed requests are verified as KuCoin
 * does with API key version 2 (KC-API-SIGN = base64 HMAC-SHA256 of timestamp + method + path?query
 * + body; KC-API-PASSPHRASE = base64 HMAC-SHA256 of the passphrase; timestamp within 5 s), and
 * errors are KuCoin's `{"code","msg"}` bodies (401 for authentication, 429 + 429000 when limited).
 */
export interface KucoinStandInOptions {
  fixture?: ExchangeFixture;
  permissions?: { trade: boolean; withdraw: boolean };
  /** A key created without the General permission, which every read needs. */
  withoutGeneralPermission?: boolean;
  now?: () => number;
}

const TIMESTAMP_WINDOW_MS = 5_000;
const DAY = 86_400_000;
/** HF fills: one call covers at most 7 days. */
const FILLS_MAX_SPAN = 7 * DAY;
/** Account ledgers: one call covers at most 24 hours. */
const LEDGER_MAX_SPAN = DAY;

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Query = URLSearchParams;
type Row = Record<string, unknown>;

export async function startKucoinStandIn(options: KucoinStandInOptions = {}): Promise<ExchangeStandIn> {
  const now = options.now ?? Date.now;
  const key = {
    api_key: randomBytes(12).toString('hex'),
    secret_key: randomUUID(),
    passphrase: `Pass-${randomBytes(4).toString('hex')}`,
  };
  let revoked = false;
  let rateLimitSeconds: number | undefined;

  const standIn: ExchangeStandIn = {
    providerId: 'kucoin',
    url: '',
    key,
    fixture: options.fixture ?? emptyFixture(),
    permissions: options.permissions ?? { trade: false, withdraw: false },
    revokeKey: () => void (revoked = true),
    rateLimitOnce: (seconds) => void (rateLimitSeconds = seconds),
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const publicRoutes: Record<string, (query: Query) => unknown> = {
    '/api/v1/timestamp': () => now(),
    '/api/v2/symbols': () => wire.symbols(standIn.fixture),
    '/api/v3/currencies': () => wire.currencies(standIn.fixture),
    '/api/v1/market/allTickers': () => ({ time: now(), ticker: [] }),
  };
  const privateRoutes: Record<string, (query: Query) => unknown> = {
    '/api/v3/margin/symbols': () => ({ timestamp: now(), items: [] }),
    '/api/v1/isolated/symbols': () => [],
    '/api/v1/hf/accounts/opened': () => true,
    '/api/ua/v1/account/mode': () => ({ selfAccountMode: 'CLASSIC' }),
    '/api/v1/user/api-key': () => apiKeyInfo(key.api_key, standIn.permissions),
    '/api/v1/accounts': (query) => wire.accounts(standIn.fixture, query.get('type')),
    '/api/v1/hf/fills': (query) => hfFills(wire.hfFills(standIn.fixture), query, now()),
    '/api/v1/deposits': (query) => paged(byTime(wire.deposits(standIn.fixture), query, 'createdAt'), query, 50),
    '/api/v1/withdrawals': (query) => paged(byTime(wire.withdrawals(standIn.fixture), query, 'createdAt'), query, 50),
    '/api/v1/hist-deposits': (query) => paged(v1Archive(wire.deposits(standIn.fixture), query), query, 50),
    '/api/v1/hist-withdrawals': (query) => paged(v1Archive(wire.withdrawals(standIn.fixture), query), query, 50),
    '/api/v1/accounts/ledgers': (query) => accountLedgers(wire.ledgers(standIn.fixture), query),
    '/api/v1/convert/order/history': (query) =>
      paged(byTime(wire.convertOrders(standIn.fixture), query, 'orderTime'), query, 20, 'page'),
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://kucoin.invalid');
      standIn.requests.push({ method: request.method ?? 'GET', path: url.pathname, at: now() });
      const publicRoute = publicRoutes[url.pathname];
      if (publicRoute) return send(response, ok(publicRoute(url.searchParams)));
      const privateRoute = privateRoutes[url.pathname];
      if (!privateRoute) return send(response, { status: 404, body: { code: '404000', msg: 'Url Not Found' } });
      const refusal = authenticate(request, Buffer.concat(chunks).toString('utf8'));
      if (refusal) return send(response, refusal);
      const result = privateRoute(url.searchParams);
      send(response, isAnswer(result) ? result : ok(result));
    });
  });

  /** KuCoin's checks, each answered with its documented code; undefined when the request may proceed. */
  function authenticate(request: IncomingMessage, body: string): Answer | undefined {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const apiKey = header('kc-api-key');
    const signature = header('kc-api-sign');
    const timestamp = header('kc-api-timestamp');
    const passphrase = header('kc-api-passphrase');
    if (!apiKey || !signature || !timestamp || !passphrase)
      return refuse(
        401,
        '400001',
        'Please check the header of your request for KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE',
      );
    if (!/^\d{13}$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > TIMESTAMP_WINDOW_MS)
      return refuse(401, '400002', 'Invalid KC-API-TIMESTAMP');
    if (revoked || apiKey !== key.api_key) return refuse(401, '400003', 'KC-API-KEY not exists');
    // Version 2 keys send the passphrase encrypted with the secret; version 1 sent it in clear.
    const expectedPassphrase = header('kc-api-key-version') === '2' ? hmac(key.passphrase) : key.passphrase;
    if (!sameBytes(passphrase, expectedPassphrase)) return refuse(401, '400004', 'Invalid KC-API-PASSPHRASE');
    const prehash = timestamp + (request.method ?? 'GET') + (request.url ?? '') + body;
    if (!sameBytes(signature, hmac(prehash))) return refuse(401, '400005', 'Invalid KC-API-SIGN');
    if (options.withoutGeneralPermission) return refuse(403, '400007', 'Access denied, require more permission.');
    if (rateLimitSeconds !== undefined) {
      const seconds = rateLimitSeconds;
      rateLimitSeconds = undefined;
      return {
        status: 429,
        body: { code: '429000', msg: 'Too Many Requests' },
        headers: {
          'Retry-After': String(seconds),
          'gw-ratelimit-limit': '4000',
          'gw-ratelimit-remaining': '0',
          'gw-ratelimit-reset': String(seconds * 1000),
        },
      };
    }
    return undefined;
  }

  function hmac(text: string): string {
    return createHmac('sha256', key.secret_key).update(text).digest('base64');
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function ok(data: unknown): Answer {
  return { status: 200, body: { code: '200000', data } };
}

function refuse(status: number, code: string, msg: string): Answer {
  return { status, body: { code, msg } };
}

/** A parameter KuCoin rejects: HTTP 400 with code 400100. */
function badParameter(msg: string): Answer {
  return refuse(400, '400100', msg);
}

function isAnswer(value: unknown): value is Answer {
  return typeof value === 'object' && value !== null && 'status' in value && 'body' in value;
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
  response.end(JSON.stringify(answer.body));
}

function sameBytes(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function apiKeyInfo(apiKey: string, permissions: { trade: boolean; withdraw: boolean }): Row {
  const granted = [
    'General',
    ...(permissions.trade ? ['Spot', 'Margin'] : []),
    ...(permissions.withdraw ? ['Withdrawal'] : []),
  ];
  return {
    remark: 'consentry',
    apiKey,
    apiVersion: 3,
    permission: granted.join(','),
    ipWhitelist: '',
    isMaster: true,
    uid: 165111215,
    createdAt: 1_719_000_000_000,
  };
}

/**
 * `GET /api/v1/hf/fills`: `symbol` required; `startAt`/`endAt` (inclusive) span at most 7 days,
 * a missing end is start + 7 days; newest first, `lastId` an exclusive cursor, `limit` ≤ 100 (default 20).
 */
function hfFills(rows: Row[], query: Query, now: number): Answer | Row {
  const symbol = query.get('symbol');
  if (!symbol) return badParameter('symbol can not be empty');
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return badParameter('limit should be between 1 and 100');
  let startAt = numberParam(query, 'startAt');
  let endAt = numberParam(query, 'endAt');
  if (startAt === undefined && endAt === undefined) [startAt, endAt] = [now - FILLS_MAX_SPAN, now];
  else if (endAt === undefined) endAt = startAt! + FILLS_MAX_SPAN;
  else if (startAt === undefined) startAt = endAt - FILLS_MAX_SPAN;
  if (endAt - startAt! > FILLS_MAX_SPAN) return badParameter('The query time range cannot exceed 7 days');
  const lastId = numberParam(query, 'lastId');
  const items = rows
    .filter(
      (row) =>
        row.symbol === symbol &&
        (row.createdAt as number) >= startAt! &&
        (row.createdAt as number) <= endAt! &&
        (lastId === undefined || (row.id as number) < lastId),
    )
    .sort((a, b) => (b.id as number) - (a.id as number))
    .slice(0, limit);
  return { items, lastId: items.at(-1)?.id ?? 0 };
}

/** `startAt`/`endAt` in ms, inclusive; newest first. */
function byTime(rows: Row[], query: Query, field: string): Row[] {
  const startAt = numberParam(query, 'startAt');
  const endAt = numberParam(query, 'endAt');
  const currency = query.get('currency');
  return rows
    .filter(
      (row) =>
        (!currency || row.currency === currency) &&
        (startAt === undefined || (row[field] as number) >= startAt) &&
        (endAt === undefined || (row[field] as number) <= endAt),
    )
    .sort((a, b) => (b[field] as number) - (a[field] as number));
}

/** The V1 archive: records before 2019-02-18, `startAt`/`endAt` and `createAt` in seconds. */
function v1Archive(rows: Row[], query: Query): Row[] {
  const startAt = numberParam(query, 'startAt');
  const endAt = numberParam(query, 'endAt');
  return rows
    .filter((row) => (row.createdAt as number) < wire.V1_ARCHIVE_END)
    .map((row) => ({
      currency: row.currency,
      createAt: Math.floor((row.createdAt as number) / 1000),
      amount: row.amount,
      address: row.address,
      walletTxId: row.walletTxId,
      isInner: row.isInner,
      status: row.status,
    }))
    .filter(
      (row) => (startAt === undefined || row.createAt >= startAt) && (endAt === undefined || row.createAt <= endAt),
    )
    .sort((a, b) => b.createAt - a.createAt);
}

/** `GET /api/v1/accounts/ledgers`: at most 24 hours per call, then paged like the others. */
function accountLedgers(rows: Row[], query: Query): Answer | Row {
  const startAt = numberParam(query, 'startAt');
  const endAt = numberParam(query, 'endAt');
  if (startAt !== undefined && endAt !== undefined && endAt - startAt > LEDGER_MAX_SPAN)
    return badParameter('The query time range cannot exceed 24 hours');
  const bizType = query.get('bizType');
  const direction = query.get('direction');
  const selected = byTime(rows, query, 'createdAt').filter(
    (row) => (!bizType || row.bizType === bizType) && (!direction || row.direction === direction),
  );
  return paged(selected, query, 50);
}

/** KuCoin's page envelope: `currentPage` (or `page`) from 1, `pageSize` 10–500. */
function paged(rows: Row[], query: Query, defaultSize: number, pageParam = 'currentPage'): Answer | Row {
  const pageSize = Number(query.get('pageSize') ?? defaultSize);
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 500)
    return badParameter('pageSize should not greater than 500');
  const currentPage = Math.max(1, Number(query.get(pageParam) ?? 1));
  return {
    currentPage,
    pageSize,
    totalNum: rows.length,
    totalPage: Math.ceil(rows.length / pageSize),
    items: rows.slice((currentPage - 1) * pageSize, currentPage * pageSize),
  };
}

function numberParam(query: Query, name: string): number | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : Number(value);
}
