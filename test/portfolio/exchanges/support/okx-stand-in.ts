import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import * as wire from './okx-wire.ts';

/**
 * OKX's REST API v5 on 127.0.0.1: the endpoints ccxt's `okx` class and the OKX definition call,
 * signed requests verified as OKX does (base64 HMAC-SHA256 of timestamp + method + path?query +
 * body under the secret, the passphrase compared, the timestamp within 30 s), errors as OKX
 * sends them (`{"msg","code"}`, HTTP 401 for authentication, 429 + 50011 when rate limited).
 * Histories answer newest first and honour `begin`/`end`, `after`/`before` and `limit` as OKX does.
 */
export interface OkxStandInOptions {
  fixture?: ExchangeFixture;
  permissions?: { trade: boolean; withdraw: boolean };
  /** The stand-in's clock (ms); the timestamp window is checked against it. */
  now?: () => number;
}

/** OKX refuses a request whose OK-ACCESS-TIMESTAMP is more than 30 s from its clock. */
const TIMESTAMP_WINDOW_MS = 30_000;
const MAX_LIMIT = 100;

type Answer = { status: number; body: unknown; headers?: Record<string, string> };
type Query = URLSearchParams;
type Row = Record<string, unknown>;

export async function startOkxStandIn(options: OkxStandInOptions = {}): Promise<ExchangeStandIn> {
  const now = options.now ?? Date.now;
  const key = {
    api_key: `okx-${randomBytes(8).toString('hex')}`,
    secret_key: randomBytes(16).toString('hex').toUpperCase(),
    passphrase: `Pass-${randomBytes(4).toString('hex')}`,
  };
  let revoked = false;
  let rateLimitSeconds: number | undefined;

  const standIn: ExchangeStandIn = {
    providerId: 'okx',
    url: '',
    key,
    fixture: options.fixture ?? emptyFixture(),
    permissions: options.permissions ?? { trade: false, withdraw: false },
    revokeKey: () => void (revoked = true),
    rateLimitOnce: (seconds) => void (rateLimitSeconds = seconds),
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const publicRoutes: Record<string, (query: Query) => Row[]> = {
    '/api/v5/public/time': () => [{ ts: String(now()) }],
    '/api/v5/public/instruments': (query) =>
      query.get('instType') === 'SPOT' ? wire.spotInstruments(standIn.fixture) : [],
    '/api/v5/system/status': () => [],
  };
  const privateRoutes: Record<string, (query: Query) => Row[] | Answer> = {
    '/api/v5/asset/currencies': () => wire.currencies(standIn.fixture),
    '/api/v5/account/balance': () => wire.tradingBalance(standIn.fixture, now()),
    '/api/v5/asset/balances': () => wire.fundingBalances(standIn.fixture),
    '/api/v5/account/config': () => [accountConfig(key.api_key, standIn.permissions)],
    '/api/v5/trade/fills-history': (query) => fillsHistory(wire.fills(standIn.fixture), query),
    '/api/v5/asset/deposit-history': (query) => byTimestampCursor(wire.deposits(standIn.fixture), query),
    '/api/v5/asset/withdrawal-history': (query) => byTimestampCursor(wire.withdrawals(standIn.fixture), query),
    '/api/v5/asset/bills-history': (query) => byTimestampCursor(wire.fundingBills(standIn.fixture), query),
    '/api/v5/finance/savings/lending-history': (query) =>
      byTimestampCursor(wire.savingsLending(standIn.fixture), query),
    '/api/v5/asset/convert/history': (query) => byTimestampCursor(wire.convertHistory(standIn.fixture), query),
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://okx.invalid');
      standIn.requests.push({ method: request.method ?? 'GET', path: url.pathname, at: now() });
      const publicRoute = publicRoutes[url.pathname];
      if (publicRoute) return send(response, ok(publicRoute(url.searchParams)));
      const privateRoute = privateRoutes[url.pathname];
      if (!privateRoute) return send(response, { status: 404, body: { msg: 'Not Found', code: '50000' } });
      const refusal = authenticate(request, Buffer.concat(chunks).toString('utf8'));
      if (refusal) return send(response, refusal);
      const result = privateRoute(url.searchParams);
      send(response, Array.isArray(result) ? ok(result) : result);
    });
  });

  /** OKX's checks in the order it reports them; undefined when the request may proceed. */
  function authenticate(request: IncomingMessage, body: string): Answer | undefined {
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const apiKey = header('ok-access-key');
    const signature = header('ok-access-sign');
    const timestamp = header('ok-access-timestamp');
    const passphrase = header('ok-access-passphrase');
    if (!apiKey) return unauthorized('50103', 'Request header OK-ACCESS-KEY cannot be empty.');
    if (!signature) return unauthorized('50106', 'Request header OK-ACCESS-SIGN cannot be empty.');
    if (!timestamp) return unauthorized('50107', 'Request header OK-ACCESS-TIMESTAMP cannot be empty.');
    if (!passphrase) return unauthorized('50104', 'Request header OK-ACCESS-PASSPHRASE cannot be empty.');
    if (revoked || apiKey !== key.api_key) return unauthorized('50111', 'Invalid OK-ACCESS-KEY');
    const sentAt = Date.parse(timestamp);
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(timestamp) || Number.isNaN(sentAt))
      return unauthorized('50112', 'Invalid OK-ACCESS-TIMESTAMP');
    if (Math.abs(now() - sentAt) > TIMESTAMP_WINDOW_MS) return unauthorized('50102', 'Timestamp request expired');
    if (passphrase !== key.passphrase) return unauthorized('50105', 'Request header OK-ACCESS-PASSPHRASE incorrect.');
    const prehash = timestamp + (request.method ?? 'GET') + (request.url ?? '') + body;
    const expected = createHmac('sha256', key.secret_key).update(prehash).digest();
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return unauthorized('50113', 'Invalid Sign');
    if (rateLimitSeconds !== undefined) {
      const seconds = rateLimitSeconds;
      rateLimitSeconds = undefined;
      return {
        status: 429,
        body: { msg: 'Too Many Requests', code: '50011' },
        headers: { 'Retry-After': String(seconds) },
      };
    }
    return undefined;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

function ok(data: Row[]): Answer {
  return { status: 200, body: { code: '0', data, msg: '' } };
}

function unauthorized(code: string, msg: string): Answer {
  return { status: 401, body: { msg, code } };
}

function send(response: ServerResponse, answer: Answer): void {
  response.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
  response.end(JSON.stringify(answer.body));
}

function accountConfig(apiKey: string, permissions: { trade: boolean; withdraw: boolean }): Row {
  const perm = ['read_only', permissions.withdraw ? 'withdraw' : '', permissions.trade ? 'trade' : ''];
  return {
    acctLv: '1',
    autoLoan: false,
    ctIsoMode: 'automatic',
    greeksType: 'PA',
    ip: '',
    kycLv: '2',
    label: 'consentry',
    level: 'Lv1',
    mainUid: '44705892343619584',
    mgnIsoMode: 'automatic',
    perm: perm.filter(Boolean).join(','),
    posMode: 'net_mode',
    roleType: '0',
    spotRoleType: '0',
    uid: '44705892343619584',
    apiKey,
  };
}

/**
 * `fills-history`: `instType` is required; `begin`/`end` bound `ts` (inclusive), `after`/`before`
 * are exclusive `billId` cursors; newest first, `limit` rows (default and maximum 100).
 */
function fillsHistory(rows: Row[], query: Query): Row[] | Answer {
  const instType = query.get('instType');
  if (!instType) return { status: 400, body: { msg: 'Parameter instType can not be empty.', code: '50014' } };
  const instId = query.get('instId');
  const begin = numberParam(query, 'begin');
  const end = numberParam(query, 'end');
  const after = query.get('after');
  const before = query.get('before');
  const selected = rows.filter(
    (row) =>
      row.instType === instType &&
      (!instId || row.instId === instId) &&
      (begin === undefined || Number(row.ts) >= begin) &&
      (end === undefined || Number(row.ts) <= end) &&
      (!after || BigInt(row.billId as string) < BigInt(after)) &&
      (!before || BigInt(row.billId as string) > BigInt(before)),
  );
  return newestFirst(selected, query, (row) => BigInt(row.billId as string));
}

/** Deposit, withdrawal, bill, lending and convert histories: `after`/`before` are exclusive `ts` bounds. */
function byTimestampCursor(rows: Row[], query: Query): Row[] {
  const after = numberParam(query, 'after');
  const before = numberParam(query, 'before');
  const ccy = query.get('ccy');
  const selected = rows.filter(
    (row) =>
      (!ccy || row.ccy === ccy) &&
      (after === undefined || Number(row.ts) < after) &&
      (before === undefined || Number(row.ts) > before),
  );
  return newestFirst(selected, query, (row) => BigInt(row.ts as string));
}

/** OKX pages from the newest row within the bounds; with `before` alone it still returns the newest. */
function newestFirst(rows: Row[], query: Query, order: (row: Row) => bigint): Row[] {
  const limit = Math.min(numberParam(query, 'limit') ?? MAX_LIMIT, MAX_LIMIT);
  return [...rows].sort((a, b) => (order(b) > order(a) ? 1 : order(b) < order(a) ? -1 : 0)).slice(0, limit);
}

function numberParam(query: Query, name: string): number | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : Number(value);
}
