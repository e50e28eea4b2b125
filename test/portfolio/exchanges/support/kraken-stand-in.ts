import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { emptyFixture, type ExchangeFixture, type ExchangeStandIn } from './exchange-stand-in.ts';
import { krakenAssetsResult, krakenPairsResult } from './kraken-assets.ts';
import { balanceResult, fundingEntries, ledgerBodies, ledgerEntries, tradeEntries } from './kraken-account.ts';

/** Kraken's key permission boxes the stand-in checks (Settings → API). */
export type KrakenGrant = 'funds-query' | 'funds-withdraw' | 'orders-query-closed' | 'orders-create' | 'ledger-query';

export interface KrakenStandIn extends ExchangeStandIn {
  /** The boxes ticked on the key; a call needing another answers `EGeneral:Permission denied`. */
  grants: Set<KrakenGrant>;
}

/** Which box each private endpoint needs (any one of them), as Kraken's API reference lists it. */
const REQUIRED: Record<string, KrakenGrant[]> = {
  Balance: ['funds-query'],
  BalanceEx: ['funds-query'],
  DepositStatus: ['funds-query'],
  WithdrawStatus: ['funds-withdraw', 'ledger-query'],
  TradesHistory: ['orders-query-closed'],
  Ledgers: ['ledger-query'],
};

/** TradesHistory and Ledgers answer 50 a call; DepositStatus the newest 25, WithdrawStatus 500 (no cursor). */
const PAGE = { trades: 50, ledger: 50, deposits: 25, withdrawals: 500 };

/**
 * A local api.kraken.com/0: public Assets, AssetPairs and Time, private BalanceEx, TradesHistory,
 * Ledgers, DepositStatus and WithdrawStatus, each private call checked like Kraken checks it
 * (API-Key, API-Sign over path + SHA-256(nonce + body), a nonce above the key's last one, the
 * key's permission boxes). Kraken answers every API error with HTTP 200 and `{"error":[…]}`, and
 * its rate-limit error carries no Retry-After: `rateLimitOnce` sends none.
 */
export async function startKrakenStandIn(options: { fixture?: ExchangeFixture } = {}): Promise<KrakenStandIn> {
  const key = { api_key: randomBytes(42).toString('base64'), secret_key: randomBytes(64).toString('base64') };
  let keyKnown = true;
  let rateLimitNext = false;
  let lastNonce = 0n;
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      standIn.requests.push({ method: request.method ?? 'GET', path: url.pathname, at: Date.now() });
      let answer: unknown;
      try {
        answer = url.pathname.startsWith('/0/private/') ? privateCall(request, url.pathname, body) : publicCall(url);
      } catch (error) {
        // A fixture the stand-in cannot express: said loudly, never left hanging until a timeout.
        response.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        return;
      }
      reply(response, answer);
    });
  });

  function publicCall(url: URL): unknown {
    const fixture = standIn.fixture;
    switch (url.pathname) {
      case '/0/public/Time': {
        const now = Date.now();
        return { error: [], result: { unixtime: Math.floor(now / 1000), rfc1123: new Date(now).toUTCString() } };
      }
      case '/0/public/Assets':
        return { error: [], result: krakenAssetsResult(fixtureSymbols(fixture)) };
      case '/0/public/AssetPairs':
        return { error: [], result: krakenPairsResult(fixture.trades.map((t) => [t.base, t.quote])) };
      default:
        return { error: ['EGeneral:Unknown method'] };
    }
  }

  function privateCall(request: IncomingMessage, path: string, body: string): unknown {
    const params = new URLSearchParams(body);
    const apiKey = request.headers['api-key'];
    if (!keyKnown || apiKey !== key.api_key) return { error: ['EAPI:Invalid key'] };
    if (!signatureMatches(path, body, params.get('nonce') ?? '', String(request.headers['api-sign'] ?? '')))
      return { error: ['EAPI:Invalid signature'] };
    const nonce = /^\d+$/.test(params.get('nonce') ?? '') ? BigInt(params.get('nonce')!) : 0n;
    if (nonce <= lastNonce) return { error: ['EAPI:Invalid nonce'] };
    lastNonce = nonce;
    if (rateLimitNext) {
      rateLimitNext = false;
      return { error: ['EAPI:Rate limit exceeded'] };
    }
    const method = path.slice('/0/private/'.length);
    const required = REQUIRED[method];
    if (!required) return { error: ['EGeneral:Unknown method'] };
    if (!required.some((grant) => standIn.grants.has(grant))) return { error: ['EGeneral:Permission denied'] };
    return { error: [], result: answer(method, params) };
  }

  function signatureMatches(path: string, body: string, nonce: string, signature: string): boolean {
    const digest = createHash('sha256')
      .update(nonce + body)
      .digest();
    const expected = createHmac('sha512', Buffer.from(key.secret_key, 'base64'))
      .update(Buffer.concat([Buffer.from(path), digest]))
      .digest();
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function answer(method: string, params: URLSearchParams): unknown {
    const fixture = standIn.fixture;
    switch (method) {
      case 'Balance':
      case 'BalanceEx':
        return balanceResult(fixture);
      case 'TradesHistory': {
        const page = offsetPage(tradeEntries(fixture), params, PAGE.trades);
        return { trades: Object.fromEntries(page.items.map((t) => [t.id, t.body])), count: page.count };
      }
      case 'Ledgers': {
        const bodies = ledgerBodies(ledgerEntries(fixture));
        const wanted = (params.get('type') ?? 'all').split(',');
        const assets = (params.get('asset') ?? 'all').split(',');
        const entries = [...bodies.keys()].filter(
          (e) =>
            (wanted.includes('all') || wanted.includes(e.type)) && (assets.includes('all') || assets.includes(e.asset)),
        );
        const page = offsetPage(entries, params, PAGE.ledger);
        return { ledger: Object.fromEntries(page.items.map((e) => [e.id, bodies.get(e)])), count: page.count };
      }
      case 'DepositStatus':
        return fundingPage(fundingEntries(fixture).deposits, params, PAGE.deposits);
      default:
        return fundingPage(fundingEntries(fixture).withdrawals, params, PAGE.withdrawals);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const standIn: KrakenStandIn = {
    providerId: 'kraken',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    key,
    fixture: options.fixture ?? emptyFixture(),
    // Kraken's API does not report these; kept for the shared contract.
    permissions: { trade: false, withdraw: false },
    grants: new Set(['funds-query', 'orders-query-closed', 'ledger-query']),
    revokeKey: () => void (keyKnown = false),
    rateLimitOnce: () => void (rateLimitNext = true),
    requests: [],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  return standIn;
}

function reply(response: ServerResponse, body: unknown): void {
  response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/**
 * TradesHistory / Ledgers paging: `start` (exclusive) and `end` (inclusive) in seconds, newest
 * first, `ofs` entries skipped, at most `size` answered, `count` of all that match.
 */
function offsetPage<T extends { ms: number; id: string }>(items: T[], params: URLSearchParams, size: number) {
  const start = params.get('start');
  const end = params.get('end');
  const matching = items
    .filter(
      (item) => (start === null || item.ms > Number(start) * 1000) && (end === null || item.ms <= Number(end) * 1000),
    )
    .sort((a, b) => b.ms - a.ms || (a.id < b.id ? 1 : -1));
  const offset = Number(params.get('ofs') ?? 0);
  return { items: matching.slice(offset, offset + size), count: matching.length };
}

/** DepositStatus / WithdrawStatus without a cursor: [start, end] in seconds, newest first, capped. */
function fundingPage(
  items: Array<{ ms: number; body: Record<string, unknown> }>,
  params: URLSearchParams,
  cap: number,
) {
  const start = params.get('start');
  const end = params.get('end');
  return items
    .filter(
      (item) => (start === null || item.ms >= Number(start) * 1000) && (end === null || item.ms <= Number(end) * 1000),
    )
    .sort((a, b) => b.ms - a.ms)
    .slice(0, cap)
    .map((item) => item.body);
}

function fixtureSymbols(fixture: ExchangeFixture): string[] {
  return [
    ...fixture.balances.map((b) => b.asset),
    ...fixture.trades.flatMap((t) => [t.base, t.quote]),
    ...fixture.deposits.map((d) => d.asset),
    ...fixture.withdrawals.map((w) => w.asset),
    ...fixture.rewards.map((r) => r.asset),
    ...fixture.conversions.flatMap((c) => [c.from.asset, c.to.asset]),
  ];
}
