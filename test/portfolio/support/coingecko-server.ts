import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const DAY = 86_400_000;
const JAN_1_2024 = Date.UTC(2024, 0, 1);

/** One entry of `/coins/list?include_platform=true`, as CoinGecko sends it. */
export interface ListedCoin {
  id: string;
  symbol: string;
  name: string;
  platforms: Record<string, string>;
}

export type StandInPlan = 'keyless' | 'demo' | 'pro';

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  /** The demo or Pro key the request carried. */
  apiKey: string | undefined;
  plan: StandInPlan;
  /** Arrival time (Date.now). */
  at: number;
  status: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** CoinGecko's own words for a rate-limited request (HTTP 429, with Retry-After in seconds). */
const RATE_LIMITED = {
  status: {
    error_code: 429,
    error_message:
      "You've exceeded the Rate Limit. Please visit https://www.coingecko.com/en/api/pricing to subscribe to our API plans for higher rate limits.",
  },
};

/**
 * A CoinGecko-compatible price server speaking the public API's wire format: JSON numbers, ms
 * timestamps in market_chart, token prices keyed by the address as CoinGecko lists it (EVM
 * lowercase — found whatever case is asked; other chains' addresses, such as Solana mints, only
 * as written). It tells plans apart by their key header, as CoinGecko does: keyless calls may
 * name 10 contract addresses, keyed ones 515 (more: 400, error_code 10012); keyless and demo
 * market charts reach back 365 days (older: 401, error_code 10012). With `rateLimit` set it
 * answers 429 with Retry-After once a rolling window is full. `down` answers 503, CoinGecko's
 * outage status. Current prices are fixed; history is one point a day at 00:00 UTC, worth
 * `base + days since historyStart`. Every request is recorded.
 */
export class CoinGeckoServer {
  readonly requests: RecordedRequest[] = [];
  readonly current: Record<string, number> = { bitcoin: 65000.25, ethereum: 3000.5, 'usd-coin': 1 };
  readonly historyBase: Record<string, number> = { bitcoin: 40000, ethereum: 2000 };
  /** The day history prices count from. */
  historyStart = JAN_1_2024;
  /** When a coin's chart begins (its listing); absent: as far back as asked. */
  readonly listedSince: Record<string, number> = {};
  /** Token contracts by platform, each to the coin it is (address as CoinGecko lists it). */
  readonly tokens: Record<string, Record<string, string>> = {
    ethereum: { '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48': 'usd-coin' },
  };
  coins: ListedCoin[] = [
    { id: 'bitcoin', symbol: 'btc', name: 'Bitcoin', platforms: {} },
    { id: 'ethereum', symbol: 'eth', name: 'Ethereum', platforms: {} },
    {
      id: 'usd-coin',
      symbol: 'usdc',
      name: 'USDC',
      platforms: { ethereum: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48' },
    },
  ];
  /** Requests answered per rolling window; `retryAfter: false` leaves the header out. Unset: no limit. */
  rateLimit: { calls: number; windowMs: number; retryAfter?: boolean } | undefined;
  down = false;
  /** The stand-in's idea of now, for the 365-day reach. */
  now: () => number = Date.now;
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const record = this.record(request);
      const { status, body, headers } = this.down
        ? { status: 503, body: { status: { error_code: 503, error_message: 'Service Unavailable' } } }
        : (this.limited(record) ?? this.route(request, record.plan));
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api/v3`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The history price of `coin` at a day's 00:00 UTC. */
  historyPrice(coin: string, day: number): number {
    return this.historyBase[coin]! + (day - this.historyStart) / DAY;
  }

  /** The most requests that arrived within any `windowMs` (429s included: CoinGecko counts them too). */
  busiestWindow(windowMs: number, requests = this.requests): number {
    let most = 0;
    for (let i = 0, j = 0; i < requests.length; i++) {
      while (requests[i]!.at - requests[j]!.at >= windowMs) j++;
      most = Math.max(most, i - j + 1);
    }
    return most;
  }

  private record(request: IncomingMessage): RecordedRequest {
    const url = new URL(request.url ?? '/', 'http://x');
    const pro = request.headers['x-cg-pro-api-key'] as string | undefined;
    const demo = request.headers['x-cg-demo-api-key'] as string | undefined;
    const record: RecordedRequest = {
      path: url.pathname.replace(/^\/api\/v3/, ''),
      query: url.searchParams,
      apiKey: pro ?? demo,
      plan: pro ? 'pro' : demo ? 'demo' : 'keyless',
      at: Date.now(),
      status: 0,
    };
    this.requests.push(record);
    return record;
  }

  /** A 429 when the window already holds `calls` answered requests; Retry-After: the seconds until one leaves. */
  private limited(record: RecordedRequest): Answer | undefined {
    if (!this.rateLimit) return undefined;
    const { calls, windowMs, retryAfter = true } = this.rateLimit;
    const answered = this.requests.filter((r) => r.status !== 429 && r !== record && r.at > record.at - windowMs);
    if (answered.length < calls) return undefined;
    const frees = (answered[0]?.at ?? record.at) + windowMs;
    const seconds = Math.max(1, Math.ceil((frees - record.at) / 1000));
    return {
      status: 429,
      body: RATE_LIMITED,
      ...(retryAfter ? { headers: { 'retry-after': String(seconds) } } : {}),
    };
  }

  private route(request: IncomingMessage, plan: StandInPlan): Answer {
    const url = new URL(request.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v3/, '');
    const vs = (url.searchParams.get('vs_currencies') ?? url.searchParams.get('vs_currency') ?? '').toLowerCase();
    if (path === '/simple/price') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      if (ids.length > 515) return tooMany('ids', 515, 'ids');
      return {
        status: 200,
        body: this.prices(
          ids.map((id) => [id, id]),
          vs,
        ),
      };
    }
    const tokenPrice = /^\/simple\/token_price\/([^/]+)$/.exec(path);
    if (tokenPrice) {
      const platform = decodeURIComponent(tokenPrice[1]!);
      const asked = (url.searchParams.get('contract_addresses') ?? '').split(',');
      const allowed = plan === 'keyless' ? 10 : 515;
      if (asked.length > allowed) return tooMany('contract addresses', allowed, 'addresses');
      const found = asked.flatMap((a): Array<[string, string]> => {
        const listed = this.token(platform, a);
        return listed ? [listed] : [];
      });
      return { status: 200, body: this.prices(found, vs) };
    }
    if (path === '/coins/list') {
      const withPlatforms = url.searchParams.get('include_platform') === 'true';
      return {
        status: 200,
        body: this.coins.map(({ platforms, ...coin }) => (withPlatforms ? { ...coin, platforms } : coin)),
      };
    }
    const chart = /^\/coins\/([^/]+)(?:\/contract\/([^/]+))?\/market_chart\/range$/.exec(path);
    if (chart) {
      const coin = chart[2]
        ? this.token(decodeURIComponent(chart[1]!), decodeURIComponent(chart[2]))?.[1]
        : decodeURIComponent(chart[1]!);
      if (!coin || !(coin in this.historyBase)) return { status: 404, body: { error: 'coin not found' } };
      const from = Number(url.searchParams.get('from')) * 1000;
      const to = Number(url.searchParams.get('to')) * 1000;
      if (plan !== 'pro' && from < this.now() - 365 * DAY) return outOfReach(this.now());
      const prices: Array<[number, number]> = [];
      const first = Math.max(from, this.listedSince[coin] ?? from);
      for (let day = Math.ceil(first / DAY) * DAY; day <= to; day += DAY)
        prices.push([day, this.historyPrice(coin, day)]);
      return { status: 200, body: { prices, market_caps: [], total_volumes: [] } };
    }
    return { status: 404, body: { error: 'Not Found' } };
  }

  /** `[answer key, coin id]` of a listed contract: EVM addresses in any case, others exactly. */
  private token(platform: string, address: string): [string, string] | undefined {
    const listed = this.tokens[platform] ?? {};
    const key = /^0x/i.test(address) ? address.toLowerCase() : address;
    return Object.hasOwn(listed, key) ? [key, listed[key]!] : undefined;
  }

  private prices(entries: Array<[string, string]>, vs: string): Record<string, Record<string, number>> {
    return Object.fromEntries(
      entries.filter(([, id]) => id in this.current).map(([key, id]) => [key, { [vs]: this.current[id]! }]),
    );
  }
}

function tooMany(what: string, allowed: number, unit: string): Answer {
  return {
    status: 400,
    body: {
      timestamp: new Date().toISOString(),
      error_code: 10012,
      status: {
        error_message: `Number of ${what} in the request exceeds the allowed limit (${allowed} ${unit}).`,
      },
    },
  };
}

function outOfReach(now: number): Answer {
  return {
    status: 401,
    body: {
      error: {
        status: {
          timestamp: new Date(now).toISOString(),
          error_code: 10012,
          error_message:
            'Your request exceeds the allowed time range. Public API users are limited to querying historical data within the past 365 days.',
        },
      },
    },
  };
}
