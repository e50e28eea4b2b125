/**
 * A local Bybit (v5 API, unified trading account) that ccxt's `bybit` talks to unmodified. It
 * checks every private request as Bybit does — HMAC-SHA256 over timestamp + key + recv window +
 * query string (or body) in X-BAPI-SIGN — and answers faults with Bybit's own HTTP-200 envelopes:
 * 10003 unknown key, 10002 timestamp outside the recv window, 10004 bad signature, 10005 missing
 * permission, 10006 rate limit (with its X-Bapi-Limit-* headers; Bybit sends no Retry-After).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import {
  coinRows,
  convertRecords,
  depositRecords,
  earnYields,
  executions,
  fundingWallet,
  page,
  spotInstruments,
  timeRange,
  unifiedWallet,
  withdrawalRecords,
  type Timed,
} from './bybit-wire.ts';

const DAY = 86_400_000;

export interface BybitStandIn extends ExchangeStandIn {
  /** From now on requests to this path are answered with 10005, as for a key without that permission. */
  denyPermission(path: string): void;
}

interface Answer {
  retCode: number;
  retMsg: string;
  result?: object;
  headers?: Record<string, string>;
}

const ok = (result: object): Answer => ({ retCode: 0, retMsg: 'OK', result });
const badParams = (retMsg: string): Answer => ({ retCode: 10001, retMsg });

/** A history endpoint: its records, Bybit's longest span per request, default and largest page size. */
interface History {
  records(fixture: ExchangeFixture, query: URLSearchParams): Timed[];
  spanMs: number;
  defaultLimit: number;
  maxLimit: number;
}

const HISTORIES: Record<string, History> = {
  '/v5/execution/list': {
    records: (f, q) =>
      q.get('category') !== 'spot'
        ? []
        : executions(f).filter((e) => !q.get('symbol') || (e.record as { symbol: string }).symbol === q.get('symbol')),
    spanMs: 7 * DAY,
    defaultLimit: 50,
    maxLimit: 100,
  },
  '/v5/asset/deposit/query-record': {
    records: (f, q) =>
      depositRecords(f).filter((d) => !q.get('coin') || (d.record as { coin: string }).coin === q.get('coin')),
    spanMs: 30 * DAY,
    defaultLimit: 50,
    maxLimit: 50,
  },
  '/v5/asset/withdraw/query-record': {
    records: (f, q) =>
      withdrawalRecords(f).filter((w) => !q.get('coin') || (w.record as { coin: string }).coin === q.get('coin')),
    spanMs: 30 * DAY,
    defaultLimit: 50,
    maxLimit: 50,
  },
  '/v5/earn/yield': {
    records: (f, q) => earnYields(f, q.get('category') ?? ''),
    spanMs: 7 * DAY,
    defaultLimit: 50,
    maxLimit: 100,
  },
};

export async function startBybitStandIn(options: { fixture?: ExchangeFixture } = {}): Promise<BybitStandIn> {
  const key = { api_key: 'XQGPqW4nKbTPa1dEfx', secret_key: 'Lq7b2ZtWnV0sPkRm4cYhJ8uEaD3xFgTi5oNw' };
  let keyRevoked = false;
  let rateLimitFor: number | undefined;
  const denied = new Set<string>();

  const standIn: BybitStandIn = {
    providerId: 'bybit',
    url: '',
    key,
    fixture: options.fixture ?? emptyFixture(),
    permissions: { trade: false, withdraw: false },
    revokeKey: () => void (keyRevoked = true),
    rateLimitOnce: (seconds) => void (rateLimitFor = seconds),
    denyPermission: (path) => void denied.add(path),
    requests: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  /** Bybit's checks, in its order: key, timestamp, signature, rate limit, permission. */
  function authenticate(request: IncomingMessage, path: string, payload: string): Answer | undefined {
    const header = (name: string): string => String(request.headers[name] ?? '');
    const apiKey = header('x-bapi-api-key');
    const timestamp = header('x-bapi-timestamp');
    const recvWindow = header('x-bapi-recv-window') || '5000';
    const sign = header('x-bapi-sign');
    if (!apiKey || !timestamp || !sign)
      return badParams(
        `empty value: apiTimestamp[${timestamp}] apiKey[${apiKey}] apiSignature[${sign}]: openapi sign params error!`,
      );
    if (apiKey !== key.api_key || keyRevoked) return { retCode: 10003, retMsg: 'API key is invalid.' };
    const now = Date.now();
    // Bybit accepts server_time - recv_window <= timestamp < server_time + 1000.
    if (!(Number(timestamp) >= now - Number(recvWindow) && Number(timestamp) < now + 1000))
      return {
        retCode: 10002,
        retMsg: `invalid request, please check your server timestamp or recv_window param. req_timestamp[${timestamp}],server_timestamp[${now}],recv_window[${recvWindow}]`,
      };
    const origin = timestamp + apiKey + recvWindow + payload;
    const expected = createHmac('sha256', key.secret_key).update(origin).digest('hex');
    if (sign.length !== expected.length || !timingSafeEqual(Buffer.from(sign), Buffer.from(expected)))
      return { retCode: 10004, retMsg: `error sign! origin_string[${origin}]` };
    if (rateLimitFor !== undefined) {
      const resetAt = now + rateLimitFor * 1000;
      rateLimitFor = undefined;
      return {
        retCode: 10006,
        retMsg: 'Too many visits!',
        headers: { 'X-Bapi-Limit': '10', 'X-Bapi-Limit-Status': '0', 'X-Bapi-Limit-Reset-Timestamp': String(resetAt) },
      };
    }
    if (denied.has(path))
      return { retCode: 10005, retMsg: 'Permission denied, please check your API key permissions.' };
    return undefined;
  }

  function queryApi(): object {
    const { trade, withdraw } = standIn.permissions;
    const readOnly = !trade && !withdraw;
    return {
      id: '13770661',
      note: 'portfolio',
      apiKey: key.api_key,
      readOnly: readOnly ? 1 : 0,
      secret: '',
      permissions: {
        ContractTrade: trade ? ['Order', 'Position'] : [],
        Spot: trade ? ['SpotTrade'] : [],
        Wallet: withdraw ? ['AccountTransfer', 'SubMemberTransfer', 'Withdraw'] : ['AccountTransfer'],
        Options: [],
        Derivatives: [],
        CopyTrading: [],
        BlockTrade: [],
        Exchange: ['ExchangeHistory'],
        NFT: [],
        Affiliate: [],
        Earn: ['Earn'],
      },
      ips: ['*'],
      type: 1,
      deadlineDay: 83,
      expiredAt: '2030-05-15T03:21:05Z',
      createdAt: '2025-10-16T02:24:40Z',
      unified: 0,
      uta: 1,
      userID: 24600000,
      inviterID: 0,
      vipLevel: 'No VIP',
      mktMakerLevel: '0',
      affiliateID: 0,
      rsaPublicKey: '',
      isMaster: true,
      parentUid: '0',
      kycLevel: 'LEVEL_1',
      kycRegion: '',
    };
  }

  function history(spec: History, query: URLSearchParams): Answer {
    const range = timeRange(query, spec.spanMs, Date.now());
    if ('error' in range) return badParams(range.error);
    const limit = Number(query.get('limit') ?? spec.defaultLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > spec.maxLimit) return badParams('params error: limit');
    const found = page(spec.records(standIn.fixture, query), range, limit, query.get('cursor'));
    return ok(query.has('category') ? { category: query.get('category'), ...found } : found);
  }

  function convertHistory(query: URLSearchParams): Answer {
    // Paged by index (1-based), newest first; Bybit offers no time filter here.
    const index = Number(query.get('index') ?? 1);
    const limit = Number(query.get('limit') ?? 20);
    if (limit < 1 || limit > 100) return badParams('params error: limit');
    const all = convertRecords(standIn.fixture).sort((a, b) => b.time - a.time);
    return ok({ list: all.slice((index - 1) * limit, index * limit).map((r) => r.record) });
  }

  function route(path: string, query: URLSearchParams): Answer {
    const wallet = (name: string) => standIn.fixture.balances.filter((b) => (b.wallet ?? 'spot') === name);
    const spec = HISTORIES[path];
    if (spec) {
      if (path === '/v5/earn/yield') {
        const answer = history(spec, query);
        // The yield list comes back under `yield`, not `list`.
        if (answer.retCode !== 0) return answer;
        const { list, nextPageCursor } = answer.result as { list: object[]; nextPageCursor: string };
        return ok({ yield: list, nextPageCursor });
      }
      return history(spec, query);
    }
    switch (path) {
      case '/v5/asset/coin/query-info':
        return ok({ rows: coinRows(standIn.fixture) });
      case '/v5/user/query-api':
        return ok(queryApi());
      case '/v5/account/info':
        return ok({
          marginMode: 'REGULAR_MARGIN',
          updatedTime: '1697078946000',
          unifiedMarginStatus: 6,
          dcpStatus: 'OFF',
          timeWindow: 10,
          smpGroup: 0,
          isMasterTrader: false,
          spotHedgingStatus: 'OFF',
        });
      case '/v5/account/wallet-balance':
        if (query.get('accountType') !== 'UNIFIED') return badParams('accountType only support UNIFIED.');
        return ok(unifiedWallet([...wallet('spot'), ...wallet('unified')]));
      case '/v5/asset/transfer/query-account-coins-balance':
        if (query.get('accountType') !== 'FUND') return badParams('params error: accountType');
        return ok(fundingWallet(wallet('funding')));
      case '/v5/asset/exchange/query-convert-history':
        return convertHistory(query);
      default:
        return { retCode: 10017, retMsg: 'route not found' };
    }
  }

  function publicRoute(path: string, query: URLSearchParams): Answer | undefined {
    const now = Date.now();
    if (path === '/v5/market/time')
      return {
        ...ok({ timeSecond: String(Math.floor(now / 1000)), timeNano: `${now}000000` }),
        retMsg: 'OK',
      };
    if (path === '/v5/market/instruments-info') {
      if (query.get('category') !== 'spot')
        return ok({ category: query.get('category'), list: [], nextPageCursor: '' });
      return ok({ category: 'spot', list: spotInstruments(standIn.fixture) });
    }
    return undefined;
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = request.url ?? '/';
      const [path = '/', rawQuery = ''] = url.split(/\?(.*)/s);
      standIn.requests.push({ method: request.method ?? 'GET', path, at: Date.now() });
      const query = new URLSearchParams(rawQuery);
      const body = Buffer.concat(chunks).toString('utf8');
      // Bybit signs the query string exactly as sent (GET) or the raw JSON body (POST).
      const answer =
        publicRoute(path, query) ??
        authenticate(request, path, request.method === 'POST' ? body : rawQuery) ??
        route(path, query);
      reply(response, answer);
    });
  });

  function reply(response: ServerResponse, answer: Answer): void {
    const now = Date.now();
    const body = JSON.stringify({
      retCode: answer.retCode,
      retMsg: answer.retMsg,
      result: answer.result ?? {},
      retExtInfo: {},
      time: now,
    });
    response.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'X-Bapi-Limit': '20',
      'X-Bapi-Limit-Status': '19',
      'X-Bapi-Limit-Reset-Timestamp': String(now),
      ...answer.headers,
    });
    response.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}
