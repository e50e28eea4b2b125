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

/**
 * A CoinGecko-compatible price server (the public API's wire format: JSON numbers, ms
 * timestamps in market_chart). Current prices are fixed; history is one point a day at 00:00
 * UTC, worth `base + days since 2024-01-01`. `/coins/list` serves `coins` (platforms only with
 * `include_platform=true`, as CoinGecko does). Every request is recorded.
 */
export class CoinGeckoServer {
  readonly requests: Array<{ path: string; query: URLSearchParams; apiKey: string | undefined }> = [];
  readonly current: Record<string, number> = { bitcoin: 65000.25, ethereum: 3000.5, 'usd-coin': 1 };
  readonly historyBase: Record<string, number> = { bitcoin: 40000, ethereum: 2000 };
  /** Current token prices by platform id, then lowercase contract (`/simple/token_price/{platform}`). */
  readonly tokenPrices: Record<string, Record<string, number>> = {};
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
  down = false;
  url = '';
  private server: Server | undefined;

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.record(request);
      const { status, body } = this.down
        ? { status: 429, body: { status: { error_code: 429, error_message: 'rate limited' } } }
        : this.route(request);
      response.writeHead(status, { 'content-type': 'application/json' });
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
    return this.historyBase[coin]! + (day - JAN_1_2024) / DAY;
  }

  /** Every request, answered or refused while `down`. */
  private record(request: IncomingMessage): void {
    const url = new URL(request.url ?? '/', 'http://x');
    this.requests.push({
      path: url.pathname.replace(/^\/api\/v3/, ''),
      query: url.searchParams,
      apiKey: request.headers['x-cg-demo-api-key'] as string | undefined,
    });
  }

  private route(request: IncomingMessage): { status: number; body: unknown } {
    const url = new URL(request.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/api\/v3/, '');
    const vs = (url.searchParams.get('vs_currencies') ?? url.searchParams.get('vs_currency') ?? '').toLowerCase();
    if (path === '/simple/price') {
      const ids = (url.searchParams.get('ids') ?? '').split(',');
      return {
        status: 200,
        body: Object.fromEntries(ids.filter((id) => id in this.current).map((id) => [id, { [vs]: this.current[id] }])),
      };
    }
    const tokenPrice = /^\/simple\/token_price\/([^/]+)$/.exec(path);
    if (tokenPrice) {
      // Keyed by the contract in lowercase; contracts CoinGecko does not know are left out.
      const known = this.tokenPrices[tokenPrice[1]!] ?? {};
      const contracts = (url.searchParams.get('contract_addresses') ?? '').toLowerCase().split(',');
      return {
        status: 200,
        body: Object.fromEntries(contracts.filter((c) => c in known).map((c) => [c, { [vs]: known[c] }])),
      };
    }
    if (path === '/coins/list') {
      const withPlatforms = url.searchParams.get('include_platform') === 'true';
      return {
        status: 200,
        body: this.coins.map(({ platforms, ...coin }) => (withPlatforms ? { ...coin, platforms } : coin)),
      };
    }
    const chart = /^\/coins\/([^/]+)\/market_chart\/range$/.exec(path);
    if (chart) {
      const coin = chart[1]!;
      if (!(coin in this.historyBase)) return { status: 404, body: { error: 'coin not found' } };
      const from = Number(url.searchParams.get('from')) * 1000;
      const to = Number(url.searchParams.get('to')) * 1000;
      const prices: Array<[number, number]> = [];
      for (let day = Math.ceil(from / DAY) * DAY; day <= to; day += DAY)
        prices.push([day, this.historyPrice(coin, day)]);
      return { status: 200, body: { prices, market_caps: [], total_volumes: [] } };
    }
    return { status: 404, body: { error: 'Not Found' } };
  }
}
